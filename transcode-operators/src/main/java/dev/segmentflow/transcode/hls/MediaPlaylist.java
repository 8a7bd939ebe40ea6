package dev.segmentflow.transcode.hls;

import dev.segmentflow.schemas.events.Packaging;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Renders one rendition's media playlist (RFC 8216) from the entries seen so far, in sequence order
 * whatever order they arrived in. Only the gap-free run from sequence 0 is published, so a player
 * never sees a hole that a late segment would fill. VOD ends with EXT-X-ENDLIST once the last
 * segment and all before it are in; live keeps a sliding window of at least three target durations
 * (the RFC's floor for removing segments).
 */
public final class MediaPlaylist {
  /** The summary the master playlist needs, from the published segments. */
  public record Summary(
      String assetId,
      String rendition,
      Packaging packaging,
      int width,
      int height,
      double frameRate,
      String codecs,
      long peakBitsPerSecond,
      long averageBitsPerSecond,
      int segments,
      boolean complete) {}

  /**
   * The text, its summary, the first sequence it shows (live windows move) and its target duration
   * (a live writer pins it: RFC 8216 forbids changing it within a playlist).
   */
  public record Rendered(String text, Summary summary, int firstShown, int targetDuration) {}

  private MediaPlaylist() {}

  /**
   * @param liveWindowSeconds how much a live playlist keeps at least (raised to three target
   *     durations when smaller)
   * @param firstSequence where the gap-free run starts: 0, or for live where the kept state starts
   * @return empty text when nothing can be published yet
   */
  public static Rendered render(
      Collection<PlaylistEntry> entries, double liveWindowSeconds, int firstSequence) {
    return render(entries, liveWindowSeconds, firstSequence, 1);
  }

  /**
   * @param minTargetDuration the target duration already announced: a live window that has lost its
   *     longest segment keeps it rather than shrinking
   */
  public static Rendered render(
      Collection<PlaylistEntry> entries,
      double liveWindowSeconds,
      int firstSequence,
      int minTargetDuration) {
    TreeMap<Integer, PlaylistEntry> bySeq = new TreeMap<>();
    for (PlaylistEntry e : entries) {
      bySeq.put(e.sequence(), e);
    }
    List<PlaylistEntry> run = new ArrayList<>();
    int expect = firstSequence;
    for (var e : bySeq.entrySet()) {
      if (e.getKey() != expect) {
        break;
      }
      run.add(e.getValue());
      expect++;
    }
    List<PlaylistEntry> playable = run.stream().filter(e -> !e.failed()).toList();
    if (playable.isEmpty()) {
      return new Rendered("", null, firstSequence, minTargetDuration);
    }
    PlaylistEntry first = playable.get(0);
    boolean live = first.live();
    // A VOD playlist is complete with its last segment; a live one has then ended: EXT-X-ENDLIST
    // in both cases tells players to stop reloading.
    boolean complete = !run.isEmpty() && run.get(run.size() - 1).lastSegment();
    int targetDuration = Math.max(1, minTargetDuration);
    for (PlaylistEntry e : playable) {
      targetDuration = Math.max(targetDuration, (int) Math.round(rounded(e.durationSeconds())));
    }

    List<PlaylistEntry> shown = run;
    if (live) {
      double floor = Math.max(liveWindowSeconds, 3.0 * targetDuration);
      int from = run.size();
      double total = 0;
      while (from > 0 && total < floor) {
        from--;
        total += run.get(from).durationSeconds();
      }
      shown = run.subList(from, run.size());
      // A window must not open on a hole.
      while (!shown.isEmpty() && shown.get(0).failed()) {
        shown = shown.subList(1, shown.size());
      }
    }

    Packaging packaging = first.packaging();
    StringBuilder b = new StringBuilder("#EXTM3U\n");
    // fMP4 needs EXT-X-MAP, which needs version 6; TS uses floating-point EXTINF, version 3.
    b.append("#EXT-X-VERSION:").append(packaging == Packaging.FMP4 ? 6 : 3).append('\n');
    b.append("#EXT-X-TARGETDURATION:").append(targetDuration).append('\n');
    b.append("#EXT-X-MEDIA-SEQUENCE:").append(shown.get(0).sequence()).append('\n');
    if (!live) {
      b.append("#EXT-X-PLAYLIST-TYPE:").append(complete ? "VOD" : "EVENT").append('\n');
    }
    b.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
    if (packaging == Packaging.FMP4) {
      b.append("#EXT-X-MAP:URI=\"init.mp4\"\n");
    }
    boolean gap = false;
    PlaylistEntry anchor = firstPlayable(shown);
    long bits = 0;
    double seconds = 0;
    long peak = 0;
    for (PlaylistEntry e : shown) {
      if (e.failed()) {
        gap = true;
        continue;
      }
      if (gap) {
        b.append("#EXT-X-DISCONTINUITY\n");
      }
      // The wall-clock anchor goes on the first segment and again after every hole.
      if (e.capturedAtMillis() > 0 && (gap || e == anchor)) {
        b.append("#EXT-X-PROGRAM-DATE-TIME:")
            .append(PROGRAM_DATE_TIME.format(Instant.ofEpochMilli(e.capturedAtMillis())))
            .append('\n');
      }
      gap = false;
      b.append(String.format(Locale.ROOT, "#EXTINF:%.3f,\n", rounded(e.durationSeconds())));
      b.append(HlsPaths.segmentName(e.sequence(), packaging)).append('\n');
    }
    for (PlaylistEntry e : playable) {
      bits += e.bytes() * 8;
      seconds += e.durationSeconds();
      peak = Math.max(peak, Math.round(e.bytes() * 8 / e.durationSeconds()));
    }
    if (complete) {
      b.append("#EXT-X-ENDLIST\n");
    }
    PlaylistEntry last = playable.get(playable.size() - 1);
    Summary s =
        new Summary(
            first.assetId(),
            first.rendition(),
            packaging,
            last.width(),
            last.height(),
            last.frameRate(),
            last.codecs(),
            peak,
            Math.round(bits / seconds),
            playable.size(),
            complete);
    return new Rendered(b.toString(), s, shown.get(0).sequence(), targetDuration);
  }

  private static PlaylistEntry firstPlayable(List<PlaylistEntry> shown) {
    for (PlaylistEntry e : shown) {
      if (!e.failed()) {
        return e;
      }
    }
    return null;
  }

  /** ISO 8601 with milliseconds and zone, as EXT-X-PROGRAM-DATE-TIME wants. */
  static final DateTimeFormatter PROGRAM_DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

  /** EXTINF is written with three decimals; the target duration is judged on that same value. */
  static double rounded(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }
}
