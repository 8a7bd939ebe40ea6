package dev.segmentflow.transcode.hls;

import dev.segmentflow.schemas.events.Packaging;
import dev.segmentflow.schemas.events.RenderedSegment;
import java.io.Serializable;

/**
 * One segment as a media playlist sees it. A failed entry stands for a source segment that went to
 * the dead-letter topic: the playlist skips it with a discontinuity instead of waiting forever.
 * {@code capturedAtMillis} is the wall-clock time the segment's first frame was captured (live
 * only; 0 when unknown): it becomes EXT-X-PROGRAM-DATE-TIME and is what replay ranges select on.
 */
public record PlaylistEntry(
    String assetId,
    String rendition,
    Packaging packaging,
    int sequence,
    double durationSeconds,
    long bytes,
    int width,
    int height,
    double frameRate,
    String codecs,
    boolean live,
    boolean lastSegment,
    boolean failed,
    long capturedAtMillis)
    implements Serializable {

  public static PlaylistEntry of(RenderedSegment r) {
    return new PlaylistEntry(
        r.assetId(),
        r.rendition(),
        r.packaging(),
        r.sequence(),
        r.durationSeconds(),
        r.bytes(),
        r.width(),
        r.height(),
        r.frameRate(),
        r.codecs(),
        r.live(),
        r.lastSegment(),
        false,
        capturedAt(r.live(), r.sourceIngestedAtMillis(), r.durationSeconds()));
  }

  /**
   * A live segment is published when its last frame has been captured, so its first frame was
   * captured one duration earlier.
   */
  public static long capturedAt(boolean live, long publishedAtMillis, double durationSeconds) {
    return live && publishedAtMillis > 0
        ? publishedAtMillis - Math.round(durationSeconds * 1000)
        : 0;
  }

  public static PlaylistEntry failed(
      String assetId,
      String rendition,
      Packaging packaging,
      int sequence,
      boolean live,
      boolean lastSegment,
      long capturedAtMillis) {
    return new PlaylistEntry(
        assetId,
        rendition,
        packaging,
        sequence,
        0,
        0,
        0,
        0,
        0,
        "",
        live,
        lastSegment,
        true,
        capturedAtMillis);
  }

  /** The same segment as a finished (VOD) playlist shows it. */
  public PlaylistEntry asVod(boolean last) {
    return new PlaylistEntry(
        assetId,
        rendition,
        packaging,
        sequence,
        durationSeconds,
        bytes,
        width,
        height,
        frameRate,
        codecs,
        false,
        last,
        failed,
        capturedAtMillis);
  }

  /** The key of the media playlist this entry belongs to. */
  public String playlistKey() {
    return assetId + "/" + rendition + "/" + packaging;
  }
}
