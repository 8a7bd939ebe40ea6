package dev.segmentflow.analytics.qoe;

import java.util.List;

/** Nearest-rank percentiles: always a value that was observed, and the same on every replay. */
public final class Percentiles {
  private Percentiles() {}

  /**
   * @param sorted ascending
   * @return the smallest value with at least {@code p} of the values at or below it; 0 when empty
   */
  public static double nearestRank(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int rank = (int) Math.ceil(p * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
  }
}
