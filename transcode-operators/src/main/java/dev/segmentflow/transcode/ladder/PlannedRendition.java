package dev.segmentflow.transcode.ladder;

import java.io.Serializable;

/**
 * One rendition to encode: exact output size, target and peak bitrates, profile, and audio bitrate
 * (0 when the source has no audio).
 */
public record PlannedRendition(
    String name,
    int width,
    int height,
    long videoKbps,
    long maxrateKbps,
    long bufsizeKbits,
    String profile,
    long audioKbps)
    implements Serializable {
  public boolean hasAudio() {
    return audioKbps > 0;
  }
}
