package dev.segmentflow.cache.popularity;

import java.io.Serializable;

/**
 * Request rate of one (region, asset, rendition, segment). Requests are collected between ticks and
 * folded in at the tick, so the result does not depend on the order they arrived in.
 */
public final class SegmentHeat implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A segment unseen for this many half-lives has no weight left worth keeping. */
  static final int IDLE_HALF_LIVES = 8;

  public DecayedRate rate = new DecayedRate();
  public long pendingRequests;
  public long pendingBytes;
  public long bytesServed;

  public void record(long bytes) {
    pendingRequests++;
    pendingBytes += bytes;
  }

  /** Folds the pending requests in; null when nothing was requested since the last tick. */
  public SegmentActivity tick(
      long tickMillis,
      String region,
      String assetId,
      String rendition,
      int segment,
      PopularityConfig config) {
    if (pendingRequests == 0) {
      return null;
    }
    rate.add(tickMillis, pendingRequests, config.halfLifeMillis());
    bytesServed += pendingBytes;
    SegmentActivity activity =
        new SegmentActivity(
            region,
            assetId,
            rendition,
            segment,
            tickMillis,
            pendingRequests,
            pendingBytes,
            rate.perHour(tickMillis, config.halfLifeMillis()));
    pendingRequests = 0;
    pendingBytes = 0;
    return activity;
  }

  /** When this state may be dropped if nothing is requested before then. */
  public long idleUntil(PopularityConfig config) {
    return rate.atMillis + IDLE_HALF_LIVES * config.halfLifeMillis();
  }
}
