package dev.segmentflow.viewersim;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parts of RFC 8216 playlists a player needs to pick renditions and fetch segments. */
public final class HlsPlaylists {
  private static final Pattern BANDWIDTH = Pattern.compile("(?:^|,)BANDWIDTH=(\\d+)");
  private static final Pattern RESOLUTION = Pattern.compile("(?:^|,)RESOLUTION=(\\d+)x(\\d+)");
  private static final Pattern MAP_URI = Pattern.compile("URI=\"([^\"]+)\"");

  private HlsPlaylists() {}

  /** A variant; its width and height are 0 when the playlist gives no RESOLUTION. */
  public record Variant(long bandwidthBps, URI uri, int width, int height) {}

  public record Segment(double durationSeconds, URI uri) {}

  public record Media(URI init, List<Segment> segments, boolean ended) {}

  /** Variants of a master playlist, lowest bandwidth first. */
  public static List<Variant> master(URI base, String text) {
    requireHeader(text);
    List<Variant> out = new ArrayList<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].startsWith("#EXT-X-STREAM-INF:")) {
        String attributes = lines[i].substring("#EXT-X-STREAM-INF:".length());
        Matcher m = BANDWIDTH.matcher(attributes);
        Matcher size = RESOLUTION.matcher(attributes);
        boolean sized = size.find();
        int j = i + 1;
        while (j < lines.length && (lines[j].isBlank() || lines[j].startsWith("#"))) {
          j++;
        }
        if (!m.find() || j >= lines.length) {
          throw new IllegalArgumentException("variant without BANDWIDTH or URI at line " + (i + 1));
        }
        out.add(
            new Variant(
                Long.parseLong(m.group(1)),
                base.resolve(lines[j].trim()),
                sized ? Integer.parseInt(size.group(1)) : 0,
                sized ? Integer.parseInt(size.group(2)) : 0));
        i = j;
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("master playlist without variants");
    }
    out.sort(Comparator.comparingLong(Variant::bandwidthBps));
    return out;
  }

  public static Media media(URI base, String text) {
    requireHeader(text);
    List<Segment> segments = new ArrayList<>();
    URI init = null;
    boolean ended = false;
    Double duration = null;
    for (String raw : text.split("\r?\n")) {
      String line = raw.trim();
      if (line.startsWith("#EXTINF:")) {
        String v = line.substring("#EXTINF:".length());
        int comma = v.indexOf(',');
        duration = Double.parseDouble(comma >= 0 ? v.substring(0, comma) : v);
        if (!Double.isFinite(duration) || duration < 0) {
          throw new IllegalArgumentException("EXTINF duration a player cannot wait for: " + line);
        }
        duration += 0.0; // "-0" is a zero-length segment, not a negative one
      } else if (line.startsWith("#EXT-X-MAP:")) {
        Matcher m = MAP_URI.matcher(line);
        if (m.find()) {
          init = base.resolve(m.group(1));
        }
      } else if (line.equals("#EXT-X-ENDLIST")) {
        ended = true;
      } else if (!line.isEmpty() && !line.startsWith("#")) {
        if (duration == null) {
          throw new IllegalArgumentException("segment without #EXTINF: " + line);
        }
        segments.add(new Segment(duration, base.resolve(line)));
        duration = null;
      }
    }
    return new Media(init, segments, ended);
  }

  private static void requireHeader(String text) {
    if (!text.startsWith("#EXTM3U")) {
      throw new IllegalArgumentException("not an HLS playlist (no #EXTM3U)");
    }
  }
}
