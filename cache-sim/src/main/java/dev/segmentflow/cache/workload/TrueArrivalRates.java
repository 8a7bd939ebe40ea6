package dev.segmentflow.cache.workload;

import dev.segmentflow.cache.policy.NextUseModel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The arrival rates a {@link VideoWorkload} draws one region's sessions from, handed to the planner
 * in place of what it learns: the planner with a perfect estimate of every title's demand at every
 * moment (releases, trending spikes and the diurnal curve included), but not of when the next
 * session comes. An offline reference for the benchmark, never an edge's.
 *
 * <p>The rates are read at the start of each minute: a release or a spike shows up to a minute
 * late, against hours of its own length and of the diurnal curve. A replay asks in time order,
 * prefetch tests at a directive's time too, so the last few minutes asked for are kept.
 */
public final class TrueArrivalRates implements NextUseModel.ArrivalRates {
  private static final long MINUTE = 60_000;

  private final VideoWorkload workload;
  private final String region;
  private final Map<Long, double[]> byMinute =
      new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, double[]> eldest) {
          return size() > 4;
        }
      };

  public TrueArrivalRates(VideoWorkload workload, String region) {
    this.workload = workload;
    this.region = region;
  }

  @Override
  public double perHour(String assetId, long nowMillis) {
    int title = workload.titleIndex(assetId);
    if (title < 0) {
      return 0;
    }
    double[] rates =
        byMinute.computeIfAbsent(
            Math.floorDiv(nowMillis, MINUTE), m -> workload.startsPerHour(region, m * MINUTE));
    return rates[title];
  }
}
