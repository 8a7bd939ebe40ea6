package dev.segmentflow.transcode.hls;

import dev.segmentflow.schemas.events.Packaging;
import dev.segmentflow.schemas.events.RenderedSegment;
import java.io.Serializable;

/**
 * One segment as a media playlist sees it. A failed entry stands for a source segment that went to
 * the dead-letter topic: the playlist skips it with a discontinuity instead of waiting forever.
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
    boolean failed)
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
        false);
  }

  public static PlaylistEntry failed(
      String assetId,
      String rendition,
      Packaging packaging,
      int sequence,
      boolean live,
      boolean lastSegment) {
    return new PlaylistEntry(
        assetId, rendition, packaging, sequence, 0, 0, 0, 0, 0, "", live, lastSegment, true);
  }

  /** The key of the media playlist this entry belongs to. */
  public String playlistKey() {
    return assetId + "/" + rendition + "/" + packaging;
  }
}
