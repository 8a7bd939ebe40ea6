package dev.segmentflow.transcode.hls;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RFC 8216 rules our playlists must keep, checked on their text: what a strict player or
 * Apple's mediastreamvalidator would refuse. Returns what is wrong; empty means conforming.
 */
public final class PlaylistRules {
  private static final Pattern EXTINF = Pattern.compile("#EXTINF:([0-9.]+),.*");
  private static final Pattern INT_TAG = Pattern.compile("#(EXT-X-[A-Z-]+):([0-9]+)");
  private static final Pattern ATTR = Pattern.compile("([A-Z0-9-]+)=(\"[^\"]*\"|[^,]*)");

  private PlaylistRules() {}

  /** A tag's decimal-integer when it fits an int (durations, versions); null when it cannot. */
  private static Integer smallInteger(String digits) {
    return digits.length() > 9 ? null : Integer.valueOf(digits);
  }

  /** A decimal-integer attribute (RFC 8216 4.2: at most 2^64 - 1); null when it is not one. */
  private static Long bitsPerSecond(String value) {
    return value != null && value.matches("[0-9]{1,18}") ? Long.valueOf(value) : null;
  }

  /** An EXTINF duration ({@code [0-9.]+}, which also matches "1.2.3"); null when malformed. */
  private static Double decimal(String value) {
    return value.matches("[0-9]+(\\.[0-9]*)?|\\.[0-9]+") ? Double.valueOf(value) : null;
  }

  public static List<String> media(String text) {
    List<String> bad = new ArrayList<>();
    String[] lines = text.split("\n");
    if (lines.length == 0 || !lines[0].equals("#EXTM3U")) {
      bad.add("does not start with #EXTM3U");
    }
    Integer target = null;
    Integer version = null;
    int targetTags = 0;
    boolean map = false;
    boolean fractional = false;
    boolean endlist = false;
    boolean vod = false;
    boolean sawSegment = false;
    boolean sawMediaSequence = false;
    Set<String> uris = new HashSet<>();
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].strip();
      if (endlist && !l.isEmpty()) {
        bad.add("line after EXT-X-ENDLIST: " + l);
      }
      Matcher m = INT_TAG.matcher(l);
      boolean intTag = m.matches();
      Integer value = intTag ? smallInteger(m.group(2)) : null;
      if (intTag && value == null) {
        bad.add(m.group(1) + " is beyond any value a player uses: " + m.group(2));
      } else if (intTag) {
        switch (m.group(1)) {
          case "EXT-X-TARGETDURATION" -> {
            target = value;
            targetTags++;
          }
          case "EXT-X-VERSION" -> version = value;
          case "EXT-X-MEDIA-SEQUENCE" -> {
            if (sawSegment) {
              bad.add("EXT-X-MEDIA-SEQUENCE after the first segment");
            }
            sawMediaSequence = true;
          }
          default -> {}
        }
      }
      if (l.startsWith("#EXT-X-MAP:")) {
        map = true;
        if (!l.contains("URI=\"")) {
          bad.add("EXT-X-MAP without a quoted URI");
        }
      }
      if (l.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
        try {
          // RFC 8216 4.3.2.6: ISO 8601 with a time zone
          java.time.OffsetDateTime.parse(l.substring("#EXT-X-PROGRAM-DATE-TIME:".length()));
        } catch (java.time.format.DateTimeParseException e) {
          bad.add("EXT-X-PROGRAM-DATE-TIME is not an ISO 8601 date-time with zone: " + l);
        }
      }
      if (l.equals("#EXT-X-PLAYLIST-TYPE:VOD")) {
        vod = true;
      }
      if (l.equals("#EXT-X-ENDLIST")) {
        endlist = true;
      }
      Matcher inf = EXTINF.matcher(l);
      boolean segmentTag = inf.matches();
      Double duration = segmentTag ? decimal(inf.group(1)) : null;
      if (segmentTag && duration == null) {
        bad.add("EXTINF duration is not a decimal number: " + l);
      } else if (segmentTag) {
        sawSegment = true;
        double d = duration;
        if (d != Math.rint(d)) {
          fractional = true;
        }
        if (target != null && Math.round(d) > target) {
          bad.add("EXTINF " + d + " rounds above EXT-X-TARGETDURATION " + target);
        }
        if (target == null) {
          bad.add("EXTINF before EXT-X-TARGETDURATION");
        }
        String uri = i + 1 < lines.length ? lines[i + 1].strip() : "";
        if (uri.isEmpty() || uri.startsWith("#")) {
          bad.add("EXTINF without a URI line after it");
        } else if (!uris.add(uri)) {
          bad.add("segment listed twice: " + uri);
        }
      }
    }
    if (targetTags != 1) {
      bad.add("EXT-X-TARGETDURATION appears " + targetTags + " times, must be once");
    }
    if (!sawMediaSequence) {
      bad.add("no EXT-X-MEDIA-SEQUENCE (allowed, but ours always say where they start)");
    }
    int needed = map ? 6 : fractional ? 3 : 1;
    if (needed > 1 && (version == null || version < needed)) {
      bad.add("EXT-X-VERSION " + version + " but the playlist needs at least " + needed);
    }
    if (vod && !endlist) {
      bad.add("PLAYLIST-TYPE VOD without EXT-X-ENDLIST");
    }
    return bad;
  }

  public static List<String> master(String text) {
    List<String> bad = new ArrayList<>();
    String[] lines = text.split("\n");
    if (lines.length == 0 || !lines[0].equals("#EXTM3U")) {
      bad.add("does not start with #EXTM3U");
    }
    int variants = 0;
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].strip();
      if (l.startsWith("#EXTINF") || l.startsWith("#EXT-X-TARGETDURATION")) {
        bad.add("media tag in a master playlist: " + l);
      }
      if (!l.startsWith("#EXT-X-STREAM-INF:")) {
        continue;
      }
      variants++;
      var attrs = new java.util.HashMap<String, String>();
      Matcher m = ATTR.matcher(l.substring("#EXT-X-STREAM-INF:".length()));
      while (m.find()) {
        attrs.put(m.group(1), m.group(2));
      }
      Long peak = bitsPerSecond(attrs.get("BANDWIDTH"));
      Long average = bitsPerSecond(attrs.get("AVERAGE-BANDWIDTH"));
      if (!attrs.containsKey("BANDWIDTH")) {
        bad.add("EXT-X-STREAM-INF without BANDWIDTH");
      } else if (peak == null) {
        bad.add("BANDWIDTH is not a decimal-integer: " + l);
      } else if (attrs.containsKey("AVERAGE-BANDWIDTH") && average == null) {
        bad.add("AVERAGE-BANDWIDTH is not a decimal-integer: " + l);
      } else if (average != null && average > peak) {
        bad.add("AVERAGE-BANDWIDTH above the peak BANDWIDTH: " + l);
      }
      if (attrs.containsKey("RESOLUTION") && !attrs.get("RESOLUTION").matches("[0-9]+x[0-9]+")) {
        bad.add("RESOLUTION is not WxH: " + l);
      }
      if (attrs.containsKey("CODECS") && !attrs.get("CODECS").matches("\"[^\"]+\"")) {
        bad.add("CODECS is not a quoted string: " + l);
      }
      if (attrs.containsKey("FRAME-RATE")
          && !attrs.get("FRAME-RATE").matches("[0-9]+(\\.[0-9]{1,3})?")) {
        bad.add("FRAME-RATE needs at most three decimals: " + l);
      }
      String uri = i + 1 < lines.length ? lines[i + 1].strip() : "";
      if (uri.isEmpty() || uri.startsWith("#")) {
        bad.add("EXT-X-STREAM-INF without a URI line after it");
      }
    }
    if (variants == 0) {
      bad.add("no variants");
    }
    return bad;
  }
}
