package dev.segmentflow.cache.popularity;

import java.io.Serializable;
import java.util.TreeMap;

/**
 * Request rate of one (region, asset, rendition, segment). Requests are collected under the tick
 * they belong to and folded in when that tick fires, so the result depends neither on the order
 * they arrived in nor on how far the watermark had got when they did.
 */
public final class SegmentHeat implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A segment unseen for this many half-lives has no weight left worth keeping. */
  static final int IDLE_HALF_LIVES = 8;

  public DecayedRate rate = new DecayedRate();

  /**
   * Requests not yet folded in, almost always for a single tick; a second tick only while the
   * watermark lags, and then it waits in {@link #later}. Plain fields keep Flink's POJO serializer
   * on the hot path instead of Kryo.
   */
  public long pendingTick = -1;

  public long pendingRequests;
  public long pendingBytes;

  /** Tick -> {requests, bytes} for ticks after {@link #pendingTick}; null when none. */
  public TreeMap<Long, long[]> later;

  public long bytesServed;

  /** Counts a request under the tick it belongs to (see {@link PopularityConfig#tickFor}). */
  public void record(long tickMillis, long bytes) {
    if (pendingTick < 0 || pendingTick == tickMillis) {
      pendingTick = tickMillis;
      pendingRequests++;
      pendingBytes += bytes;
      return;
    }
    if (later == null) {
      later = new TreeMap<>();
    }
    if (tickMillis < pendingTick) {
      later.put(pendingTick, new long[] {pendingRequests, pendingBytes});
      pendingTick = tickMillis;
      pendingRequests = 1;
      pendingBytes = bytes;
      return;
    }
    long[] p = later.computeIfAbsent(tickMillis, t -> new long[2]);
    p[0]++;
    p[1] += bytes;
  }

  public boolean hasPending() {
    return pendingTick >= 0;
  }

  public long pendingRequests() {
    long n = pendingRequests;
    if (later != null) {
      for (long[] p : later.values()) {
        n += p[0];
      }
    }
    return n;
  }

  /** Folds the pending requests in; null when nothing was requested since the last tick. */
  public SegmentActivity tick(
      long tickMillis,
      String region,
      String assetId,
      String rendition,
      int segment,
      PopularityConfig config) {
    long requests = 0;
    long bytes = 0;
    while (pendingTick >= 0 && pendingTick <= tickMillis) {
      requests += pendingRequests;
      bytes += pendingBytes;
      var next = later == null ? null : later.pollFirstEntry();
      if (next == null) {
        pendingTick = -1;
        pendingRequests = 0;
        pendingBytes = 0;
      } else {
        pendingTick = next.getKey();
        pendingRequests = next.getValue()[0];
        pendingBytes = next.getValue()[1];
      }
    }
    if (later != null && later.isEmpty()) {
      later = null;
    }
    if (requests == 0) {
      return null;
    }
    rate.add(tickMillis, requests, config.halfLifeMillis());
    bytesServed += bytes;
    return new SegmentActivity(region, assetId, rendition, segment, tickMillis, requests, bytes);
  }

  /** Requests per hour as of {@code t}, counting those not yet folded in as just made. */
  public double requestsPerHour(long t, PopularityConfig config) {
    return DecayedRate.perHour(
        rate.valueAt(t, config.halfLifeMillis()) + pendingRequests(), config.halfLifeMillis());
  }

  /** When this state may be dropped if nothing is requested before then. */
  public long idleUntil(PopularityConfig config) {
    return rate.atMillis + IDLE_HALF_LIVES * config.halfLifeMillis();
  }

  /** Nothing pending and no weight left worth keeping at {@code t}. */
  public boolean idleAt(long t, PopularityConfig config) {
    return !hasPending() && t >= idleUntil(config);
  }
}
