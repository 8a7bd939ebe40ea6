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

  /** Tick -> {requests, bytes} not yet folded in. */
  public TreeMap<Long, long[]> pending = new TreeMap<>();

  public long bytesServed;

  /** Counts a request under the tick it belongs to (see {@link PopularityConfig#tickFor}). */
  public void record(long tickMillis, long bytes) {
    long[] p = pending.computeIfAbsent(tickMillis, t -> new long[2]);
    p[0]++;
    p[1] += bytes;
  }

  public long pendingRequests() {
    long n = 0;
    for (long[] p : pending.values()) {
      n += p[0];
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
    var due = pending.headMap(tickMillis, true);
    for (long[] p : due.values()) {
      requests += p[0];
      bytes += p[1];
    }
    due.clear();
    if (requests == 0) {
      return null;
    }
    rate.add(tickMillis, requests, config.halfLifeMillis());
    bytesServed += bytes;
    SegmentActivity activity =
        new SegmentActivity(
            region,
            assetId,
            rendition,
            segment,
            tickMillis,
            requests,
            bytes,
            rate.perHour(tickMillis, config.halfLifeMillis()));
    return activity;
  }

  /** When this state may be dropped if nothing is requested before then. */
  public long idleUntil(PopularityConfig config) {
    return rate.atMillis + IDLE_HALF_LIVES * config.halfLifeMillis();
  }

  /** Nothing pending and no weight left worth keeping at {@code t}. */
  public boolean idleAt(long t, PopularityConfig config) {
    return pending.isEmpty() && t >= idleUntil(config);
  }
}
