package dev.segmentflow.analytics.qoe;

import dev.segmentflow.schemas.events.EdgeRequest.CacheStatus;
import java.util.List;

/**
 * Why a viewer waited, from the player's side (its waiting stretches, bitrate and measured
 * throughput) and the edge's (the session's segment requests by CMCD session id, with cache status
 * and origin wait). The rule, in order:
 *
 * <ol>
 *   <li>a startup or a seek's buffering is {@code STARTUP} / {@code SEEK};
 *   <li>the segment the player waited for is the session's first segment request that was still
 *       being served when the stall began (asked for at most {@link #LOOKBACK_MS} before it, and
 *       before its end);
 *   <li>{@code EDGE_MISS}: that request missed the cache and waited for the origin at least {@link
 *       #SLOW_ORIGIN_MS}, and for at least half of its time at the edge;
 *   <li>{@code LAST_MILE}: otherwise, when the player's measured throughput was below the bitrate
 *       it played, or (without a measurement) the edge delivered that segment below the bitrate;
 *   <li>{@code UNKNOWN}: none of these (no request seen for the session, or a fast edge and link).
 * </ol>
 */
public final class StallAttributor {
  public static final long LOOKBACK_MS = 30_000;
  public static final long SLOW_ORIGIN_MS = 500;

  /** The cause a stretch of waiting is put down to. */
  public enum Cause {
    EDGE_MISS,
    LAST_MILE,
    STARTUP,
    SEEK,
    UNKNOWN
  }

  /** One segment request of the session as the edge logged it. */
  public record Request(
      long requestTimeMillis,
      String rendition,
      Integer segmentSequence,
      CacheStatus cacheStatus,
      long bytes,
      long latencyMicros,
      Long originLatencyMicros) {

    long doneMillis() {
      return requestTimeMillis + latencyMicros / 1000;
    }

    /** How fast the edge got the body out, origin wait excluded. */
    double deliveryKbps() {
      long sendingMicros = latencyMicros - (originLatencyMicros == null ? 0 : originLatencyMicros);
      return sendingMicros <= 0 ? Double.POSITIVE_INFINITY : bytes * 8_000.0 / sendingMicros;
    }
  }

  private StallAttributor() {}

  /**
   * @param requests the session's segment requests, in any order
   */
  public static StallCause attribute(Waiting w, List<Request> requests) {
    if (w.kind() != Waiting.Kind.STALL) {
      return StallCause.of(
          w, w.kind() == Waiting.Kind.STARTUP ? Cause.STARTUP : Cause.SEEK, waitedFor(w, requests));
    }
    Request r = waitedFor(w, requests);
    if (r != null
        && r.cacheStatus() == CacheStatus.MISS
        && r.originLatencyMicros() != null
        && r.originLatencyMicros() >= SLOW_ORIGIN_MS * 1000
        && r.originLatencyMicros() * 2 >= r.latencyMicros()) {
      return StallCause.of(w, Cause.EDGE_MISS, r);
    }
    Long bitrate = w.bitrateKbps();
    if (bitrate != null && w.throughputKbps() != null) {
      if (w.throughputKbps() < bitrate) {
        return StallCause.of(w, Cause.LAST_MILE, r);
      }
    } else if (bitrate != null && r != null && r.deliveryKbps() < bitrate) {
      return StallCause.of(w, Cause.LAST_MILE, r);
    }
    return StallCause.of(w, Cause.UNKNOWN, r);
  }

  /** The first segment request still being served when the waiting began; null if none. */
  static Request waitedFor(Waiting w, List<Request> requests) {
    Request best = null;
    for (Request r : requests) {
      if (r.requestTimeMillis() >= w.startMillis() - LOOKBACK_MS
          && r.requestTimeMillis() <= w.endMillis()
          && r.doneMillis() >= w.startMillis()
          && (best == null || r.requestTimeMillis() < best.requestTimeMillis())) {
        best = r;
      }
    }
    return best;
  }
}
