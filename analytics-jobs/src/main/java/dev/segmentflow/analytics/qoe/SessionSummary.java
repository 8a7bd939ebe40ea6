package dev.segmentflow.analytics.qoe;

/**
 * One closed playback session, a row of {@code qoe_sessions}. {@code version} grows with the events
 * the session accepted, so the most complete summary of a session wins in the table. The
 * definitions are {@link SessionStateMachine}'s; the score is {@link ExperienceScore}'s.
 *
 * @param videoRestartMs the mean restart time of the session's seeks; null without seeks
 * @param bitratesKbps the bitrates played, ascending, with {@code bitratePlayMs} the play time at
 *     each (time at each rendition)
 * @param experienceScore 0-100; null for an exit before video start
 * @param upscaleRatio share of the play time with known sizes in which the picture was upscaled
 *     (null when the player reported no sizes); {@code downscaleRatio} likewise
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
    long version,
    boolean videoStartFailure,
    boolean playbackFailure,
    double rebuffersPerMinute,
    int seekCount,
    Double videoRestartMs,
    long peakBitrateKbps,
    long[] bitratesKbps,
    long[] bitratePlayMs,
    Double experienceScore,
    Double upscaleRatio,
    Double downscaleRatio) {

  /** Rebuffer frequency: stalls per minute of video played; 0 before anything played. */
  public static double perMinute(long stalls, long playMs) {
    return playMs == 0 ? 0 : stalls * 60_000.0 / playMs;
  }

  /** Industry definition: stall time over the time the viewer spent playing or stalled. */
  public static double rebufferRatio(long playMs, long stallMs) {
    return playMs + stallMs == 0 ? 0 : (double) stallMs / (playMs + stallMs);
  }
}
