package dev.segmentflow.cache.popularity;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * The knobs of popularity and temperature. The defaults are the product's seeds: hot/warm/cold at
 * 1000/100/10 views per hour, a 168 h age decay, trending boost 1.3 above 1.5x growth, TTL 24 h /
 * 12 h / 1 h and 30 s for live. {@code thresholdScale} multiplies the three thresholds so that a
 * deployment with a hundredth of the seed's traffic uses 0.01.
 *
 * @param halfLifeMillis half-life of the views-per-hour rate
 * @param fastHalfLifeMillis half-life of the short rate that growth compares against it
 * @param tickMillis how often each title is re-evaluated (event time)
 * @param hysteresis a tier is left only when the score falls this fraction below its threshold
 * @param prefetchFirstSegments segments from the start to warm when a title turns hot
 * @param lookaheadSegments segments ahead of sessions in progress to warm
 * @param minRenditionShare renditions below this share of a title's requests are not prefetched
 */
public record PopularityConfig(
    long halfLifeMillis,
    long fastHalfLifeMillis,
    long tickMillis,
    double hotViewsPerHour,
    double warmViewsPerHour,
    double coldViewsPerHour,
    double thresholdScale,
    double hysteresis,
    double ageDecayHours,
    double trendingGrowth,
    double trendingBoost,
    Map<String, Double> regionalBoost,
    long hotTtlSeconds,
    long warmTtlSeconds,
    long coldTtlSeconds,
    long liveTtlSeconds,
    int prefetchFirstSegments,
    int lookaheadSegments,
    double minRenditionShare)
    implements Serializable {

  public static PopularityConfig defaults() {
    return new PopularityConfig(
        Duration.ofHours(6).toMillis(),
        Duration.ofHours(1).toMillis(),
        Duration.ofMinutes(1).toMillis(),
        1000,
        100,
        10,
        1.0,
        0.25,
        168,
        1.5,
        1.3,
        Map.of(),
        Duration.ofHours(24).toSeconds(),
        Duration.ofHours(12).toSeconds(),
        Duration.ofHours(1).toSeconds(),
        30,
        5,
        3,
        0.1);
  }

  public PopularityConfig withThresholdScale(double scale) {
    return change(c -> c.thresholdScale = scale);
  }

  public PopularityConfig withHalfLife(Duration halfLife) {
    return change(c -> c.halfLifeMillis = halfLife.toMillis());
  }

  public PopularityConfig withFastHalfLife(Duration halfLife) {
    return change(c -> c.fastHalfLifeMillis = halfLife.toMillis());
  }

  public PopularityConfig withTick(Duration tick) {
    return change(c -> c.tickMillis = tick.toMillis());
  }

  public PopularityConfig withLookahead(int firstSegments, int lookahead) {
    return change(
        c -> {
          c.prefetchFirstSegments = firstSegments;
          c.lookaheadSegments = lookahead;
        });
  }

  /** A copy with some fields changed: the record's fields as mutable locals. */
  private PopularityConfig change(java.util.function.Consumer<Fields> edit) {
    Fields f = new Fields(this);
    edit.accept(f);
    return f.build();
  }

  private static final class Fields {
    long halfLifeMillis;
    long fastHalfLifeMillis;
    long tickMillis;
    double hotViewsPerHour;
    double warmViewsPerHour;
    double coldViewsPerHour;
    double thresholdScale;
    double hysteresis;
    double ageDecayHours;
    double trendingGrowth;
    double trendingBoost;
    Map<String, Double> regionalBoost;
    long hotTtlSeconds;
    long warmTtlSeconds;
    long coldTtlSeconds;
    long liveTtlSeconds;
    int prefetchFirstSegments;
    int lookaheadSegments;
    double minRenditionShare;

    Fields(PopularityConfig c) {
      halfLifeMillis = c.halfLifeMillis;
      fastHalfLifeMillis = c.fastHalfLifeMillis;
      tickMillis = c.tickMillis;
      hotViewsPerHour = c.hotViewsPerHour;
      warmViewsPerHour = c.warmViewsPerHour;
      coldViewsPerHour = c.coldViewsPerHour;
      thresholdScale = c.thresholdScale;
      hysteresis = c.hysteresis;
      ageDecayHours = c.ageDecayHours;
      trendingGrowth = c.trendingGrowth;
      trendingBoost = c.trendingBoost;
      regionalBoost = c.regionalBoost;
      hotTtlSeconds = c.hotTtlSeconds;
      warmTtlSeconds = c.warmTtlSeconds;
      coldTtlSeconds = c.coldTtlSeconds;
      liveTtlSeconds = c.liveTtlSeconds;
      prefetchFirstSegments = c.prefetchFirstSegments;
      lookaheadSegments = c.lookaheadSegments;
      minRenditionShare = c.minRenditionShare;
    }

    PopularityConfig build() {
      return new PopularityConfig(
          halfLifeMillis,
          fastHalfLifeMillis,
          tickMillis,
          hotViewsPerHour,
          warmViewsPerHour,
          coldViewsPerHour,
          thresholdScale,
          hysteresis,
          ageDecayHours,
          trendingGrowth,
          trendingBoost,
          regionalBoost,
          hotTtlSeconds,
          warmTtlSeconds,
          coldTtlSeconds,
          liveTtlSeconds,
          prefetchFirstSegments,
          lookaheadSegments,
          minRenditionShare);
    }
  }

  /** The tick an event at {@code timeMillis} counts in: the next tick boundary after it. */
  public long tickFor(long timeMillis) {
    return Math.floorDiv(timeMillis, tickMillis) * tickMillis + tickMillis;
  }

  /**
   * The tick an event counts in given the watermark: its own, or for an event behind the watermark
   * (whose tick already fired) the next tick that has not.
   */
  public long openTickFor(long timeMillis, long watermarkMillis) {
    long tick = tickFor(timeMillis);
    return tick > watermarkMillis ? tick : tickFor(watermarkMillis);
  }

  public double threshold(Tier tier) {
    double seed =
        switch (tier) {
          case HOT -> hotViewsPerHour;
          case WARM -> warmViewsPerHour;
          case COLD -> coldViewsPerHour;
          case GONE -> 0;
        };
    return seed * thresholdScale;
  }

  public long ttlSeconds(Tier tier, boolean live) {
    if (live) {
      return liveTtlSeconds;
    }
    return switch (tier) {
      case HOT -> hotTtlSeconds;
      case WARM -> warmTtlSeconds;
      case COLD, GONE -> coldTtlSeconds;
    };
  }

  public double regionalBoost(String region) {
    return regionalBoost.getOrDefault(region, 1.0);
  }
}
