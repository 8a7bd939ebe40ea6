package dev.segmentflow.bench;

import dev.segmentflow.cache.policy.LruCache;
import dev.segmentflow.cache.policy.PlannerCache;
import dev.segmentflow.cache.policy.S3FifoCache;
import dev.segmentflow.cache.policy.TraceRequest;
import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.sim.BeladyCache;
import dev.segmentflow.cache.sim.CacheSimulator;
import dev.segmentflow.cache.workload.VideoWorkload;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Byte hit ratio of an edge cache per region at 1%, 5% and 10% of the region's footprint, for LRU,
 * S3-FIFO, the planner and Belady MIN, on the generated video workload. Last line: the planner
 * against the best online policy and against Belady, in percentage points at 5%.
 *
 * <p>Arguments: [seed] [sessions per day] [titles].
 */
public final class CacheBench {
  private static final double[] FRACTIONS = {0.01, 0.05, 0.10};

  public static void main(String[] args) {
    long seed = args.length > 0 ? Long.parseLong(args[0]) : 42;
    VideoWorkload.Spec spec = VideoWorkload.Spec.standard(seed);
    int perDay = args.length > 1 ? Integer.parseInt(args[1]) : spec.sessionsPerDay();
    int titles = args.length > 2 ? Integer.parseInt(args[2]) : spec.titles();
    spec = spec.sized(titles, perDay);
    System.out.println(run(spec));
  }

  /** Runs every policy and returns the report; its last line is the verdict. */
  public static String run(VideoWorkload.Spec spec) {
    VideoWorkload workload = new VideoWorkload(spec);
    progress(
        "[1/3] generating workload: %d titles, %d sessions/day for %d days, seed %d",
        spec.titles(), spec.sessionsPerDay(), spec.days(), spec.seed());
    List<TraceRequest> trace = workload.generate();
    Map<String, List<TraceRequest>> regions = CacheSimulator.byRegion(trace);
    long footprint = CacheSimulator.footprintBytes(trace);
    progress(
        "      %d requests, %.1f GB requested, footprint %.1f GB over %d regions",
        trace.size(), requested(trace) / 1e9, footprint / 1e9, regions.size());

    // Thresholds scale with traffic: the seeds (1000/100/10 views per hour) are for a region of
    // 100k views per hour; this workload's regions see far fewer.
    double viewsPerHour = spec.sessionsPerDay() / 24.0 / regions.size();
    // System properties halfLifeMinutes, prefetchFirst and lookahead override the defaults.
    PopularityConfig defaults = PopularityConfig.defaults();
    PopularityConfig config =
        defaults
            .withThresholdScale(viewsPerHour / 100_000)
            .withHalfLife(
                Duration.ofMinutes(
                    Long.getLong("halfLifeMinutes", defaults.halfLifeMillis() / 60_000)))
            .withLookahead(
                Integer.getInteger("prefetchFirst", defaults.prefetchFirstSegments()),
                Integer.getInteger("lookahead", defaults.lookaheadSegments()));

    Map<String, CacheSimulator.CacheFactory> policies = new LinkedHashMap<>();
    policies.put("LRU", (t, cap) -> new LruCache(cap));
    policies.put("S3-FIFO", (t, cap) -> new S3FifoCache(cap));
    policies.put("planner", (t, cap) -> new PlannerCache(cap, config, workload, spec.seed()));
    policies.put("Belady", BeladyCache::new);

    progress("[2/3] replaying %d policies x %d sizes", policies.size(), FRACTIONS.length);
    Map<String, CacheSimulator.Result[]> results = new LinkedHashMap<>();
    for (var p : policies.entrySet()) {
      CacheSimulator.Result[] row = new CacheSimulator.Result[FRACTIONS.length];
      for (int i = 0; i < FRACTIONS.length; i++) {
        long start = System.nanoTime();
        row[i] = CacheSimulator.runPerRegion(trace, FRACTIONS[i], p.getValue());
        progress(
            "      %-8s at %4.0f%%: byte hit %.4f (%.1f s)",
            p.getKey(),
            FRACTIONS[i] * 100,
            row[i].byteHitRatio(),
            (System.nanoTime() - start) / 1e9);
      }
      results.put(p.getKey(), row);
    }

    progress("[3/3] report");
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%-10s %10s %10s %10s %14s %14s%n",
            "policy",
            "bhr@1%",
            "bhr@5%",
            "bhr@10%",
            "ohr@5%",
            "prefetch@5%"));
    for (var e : results.entrySet()) {
      CacheSimulator.Result[] r = e.getValue();
      out.append(
          String.format(
              Locale.ROOT,
              "%-10s %10.4f %10.4f %10.4f %14.4f %13.1fG%n",
              e.getKey(),
              r[0].byteHitRatio(),
              r[1].byteHitRatio(),
              r[2].byteHitRatio(),
              r[1].objectHitRatio(),
              r[1].prefetchedBytes() / 1e9));
    }
    double planner = results.get("planner")[1].byteHitRatio();
    double bestOnline =
        Math.max(results.get("LRU")[1].byteHitRatio(), results.get("S3-FIFO")[1].byteHitRatio());
    double belady = results.get("Belady")[1].byteHitRatio();
    out.append(
        String.format(
            Locale.ROOT,
            "planner_vs_best_online=%+.2f planner_vs_belady=%+.2f",
            100 * (planner - bestOnline),
            100 * (planner - belady)));
    return out.toString();
  }

  private static long requested(List<TraceRequest> trace) {
    long sum = 0;
    for (TraceRequest r : trace) {
      sum += r.sizeBytes();
    }
    return sum;
  }

  private static void progress(String format, Object... args) {
    System.err.println(String.format(Locale.ROOT, format, args));
  }

  private CacheBench() {}
}
