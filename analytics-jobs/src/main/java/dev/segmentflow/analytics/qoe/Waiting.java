package dev.segmentflow.analytics.qoe;

/**
 * A stretch of a session in which the viewer waited for video: the startup, a seek's buffering or a
 * rebuffer (stall). The player's bitrate and measured throughput (CMCD {@code br}, {@code mtp}) are
 * the latest known at its end; null when the player never reported them.
 */
public record Waiting(
    String sessionId,
    String assetId,
    String region,
    String edgeId,
    Kind kind,
    long startMillis,
    long endMillis,
    Long bitrateKbps,
    Long throughputKbps) {

  /** Why the viewer waited, as the player saw it. */
  public enum Kind {
    STARTUP,
    SEEK,
    STALL
  }

  public long durationMillis() {
    return endMillis - startMillis;
  }
}
