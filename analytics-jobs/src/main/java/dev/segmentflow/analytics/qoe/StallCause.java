package dev.segmentflow.analytics.qoe;

import dev.segmentflow.analytics.qoe.StallAttributor.Cause;

/**
 * A row of {@code qoe_stall_causes}: one stretch of waiting, its attributed cause and the evidence
 * (the segment waited for, how the edge served it, the player's throughput against its bitrate).
 * Keyed by session, kind and start, so a replay writes the same row again.
 */
public record StallCause(
    String sessionId,
    String assetId,
    String region,
    String edgeId,
    String kind,
    long startMillis,
    long durationMillis,
    String cause,
    String rendition,
    Integer segmentSequence,
    String cacheStatus,
    Long originLatencyMicros,
    Long throughputKbps,
    Long bitrateKbps) {

  static StallCause of(Waiting w, Cause cause, StallAttributor.Request r) {
    return new StallCause(
        w.sessionId(),
        w.assetId(),
        w.region(),
        w.edgeId(),
        w.kind().name(),
        w.startMillis(),
        w.durationMillis(),
        cause.name(),
        r == null ? "" : r.rendition(),
        r == null ? null : r.segmentSequence(),
        r == null ? "" : r.cacheStatus().name(),
        r == null ? null : r.originLatencyMicros(),
        w.throughputKbps(),
        w.bitrateKbps());
  }
}
