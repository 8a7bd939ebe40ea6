package dev.segmentflow.analytics.recs;

import java.io.Serializable;
import java.time.Duration;

/**
 * What counts as a view, how far the model remembers, and how a list is put together.
 *
 * @param minWatchRatio a session counts as a view when its furthest position is at least this share
 *     of the title's duration (live titles: {@code minLiveWatchSeconds} instead)
 * @param neighboursPerTitle co-viewed titles kept per title; the weakest is dropped beyond this
 * @param historyPerViewer titles remembered per viewer (for exclusion and as seeds)
 * @param seedsPerViewer the most recent titles of a viewer that seed its candidates
 * @param coViewHalfLife how fast co-view and view counts fade
 * @param trendingHalfLife how fast regional trending fades
 * @param genreCap at most this share of a list from one genre
 * @param creatorCap at most this share of a list from one creator
 * @param freshnessBoost a title published now scores (1 + boost) times; it halves every {@code
 *     freshnessHalfLife}
 */
public record RecommenderConfig(
    int topN,
    double minWatchRatio,
    double minLiveWatchSeconds,
    int neighboursPerTitle,
    int historyPerViewer,
    int seedsPerViewer,
    Duration coViewHalfLife,
    Duration trendingHalfLife,
    double trendingWeight,
    double contentWeight,
    double genreCap,
    double creatorCap,
    double freshnessBoost,
    Duration freshnessHalfLife)
    implements Serializable {

  public static RecommenderConfig defaults() {
    return new RecommenderConfig(
        10,
        0.5,
        300,
        50,
        200,
        20,
        Duration.ofDays(14),
        Duration.ofHours(6),
        0.3,
        0.2,
        0.3,
        0.2,
        0.5,
        Duration.ofDays(7));
  }

  /** Most titles of one genre in a list of {@link #topN}; never below one. */
  public int maxPerGenre() {
    return Math.max(1, (int) Math.floor(genreCap * topN + 1e-9));
  }

  public int maxPerCreator() {
    return Math.max(1, (int) Math.floor(creatorCap * topN + 1e-9));
  }

  /** 0.5 ^ (elapsed / halfLife); weights never grow when elapsed is negative. */
  static double decay(long elapsedMillis, Duration halfLife) {
    return elapsedMillis <= 0 ? 1 : Math.pow(0.5, (double) elapsedMillis / halfLife.toMillis());
  }
}
