package dev.segmentflow.analytics.qoe;

/**
 * One closed playback session, a row of {@code qoe_sessions}. {@code version} grows with the events
 * the session accepted, so the most complete summary of a session wins in the table.
 */
public record SessionSummary(
    String sessionId,
    String viewerId,
    String assetId,
    String region,
    String edgeId,
    String device,
    long startedAtMillis,
    long endedAtMillis,
    Long startupMs,
    long playMs,
    long stallMs,
    long seekMs,
    int stallCount,
    double rebufferRatio,
    int bitrateSwitches,
    double avgBitrateKbps,
    int recoverableErrors,
    boolean failed,
    boolean exitBeforeStart,
    String endReason,
    long version) {

  /** Industry definition: stall time over the time the viewer spent playing or stalled. */
  public static double rebufferRatio(long playMs, long stallMs) {
    return playMs + stallMs == 0 ? 0 : (double) stallMs / (playMs + stallMs);
  }
}
