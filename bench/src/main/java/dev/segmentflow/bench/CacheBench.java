package dev.segmentflow.bench;

import dev.segmentflow.cache.policy.LruCache;
import dev.segmentflow.cache.policy.PlannerCache;
import dev.segmentflow.cache.policy.S3FifoCache;
import dev.segmentflow.cache.policy.SieveCache;
import dev.segmentflow.cache.policy.TraceRequest;
import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.sim.BeladyCache;
import dev.segmentflow.cache.sim.CacheSimulator;
import dev.segmentflow.cache.sim.FutureCountCache;
import dev.segmentflow.cache.workload.TrueArrivalRates;
import dev.segmentflow.cache.workload.VideoWorkload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Byte hit ratio of an edge cache per region at 1%, 5% and 10% of the region's footprint, for LRU,
 * S3-FIFO, SIEVE, the planner and three offline references (the planner given the workload's true
 * arrival rates, future-count, Belady MIN), on the generated video workload: three seeds and three
 * shapes (standard, short clips, long form). One set of planner defaults for all. Last line: the
 * planner against the best online policy (minimum over seeds and shapes, at 5%) and against Belady
 * (seed 42, standard, 5%), in percentage points.
 *
 * <p>Arguments: [seeds, comma-separated] [shapes, comma-separated] [fractions, comma-separated].
 */
public final class CacheBench {
  private static final String ONLINE = "best online";
  private static final List<String> BASELINES = List.of("LRU", "S3-FIFO", "SIEVE");

  record Row(String workload, String policy, double[] bhr, double ohr, double prefetchedGb) {}

  public static void main(String[] args) {
    long[] seeds =
        Arrays.stream((args.length > 0 ? args[0] : "42,7,1234").split(","))
            .mapToLong(Long::parseLong)
            .toArray();
    String[] shapes = (args.length > 1 ? args[1] : "standard,short,long").split(",");
    double[] fractions =
        Arrays.stream((args.length > 2 ? args[2] : "0.01,0.05,0.10").split(","))
            .mapToDouble(Double::parseDouble)
            .toArray();
    int five = indexOf(fractions, 0.05);
    List<Row> rows = new ArrayList<>();
    double minVsOnline = Double.MAX_VALUE;
    double vsBelady = Double.NaN;
    int n = 0;
    for (String shape : shapes) {
      for (long seed : seeds) {
        n++;
        progress("[%d/%d] %s, seed %d", n, seeds.length * shapes.length, shape, seed);
        Map<String, Row> w = run(VideoWorkload.Spec.of(shape, seed), shape + "/" + seed, fractions);
        rows.addAll(w.values());
        if (five >= 0) {
          double planner = w.get("planner").bhr()[five];
          minVsOnline = Math.min(minVsOnline, 100 * (planner - w.get(ONLINE).bhr()[five]));
          if (seed == 42 && shape.equals("standard")) {
            vsBelady = 100 * (planner - w.get("Belady").bhr()[five]);
          }
        }
      }
    }
    System.out.println(table(rows, fractions));
    System.out.printf(
        Locale.ROOT,
        "planner_vs_best_online=%+.2f planner_vs_belady=%+.2f%n",
        minVsOnline,
        vsBelady);
  }

  /** Every policy at every size on one workload, with the best online policy at each size. */
  static Map<String, Row> run(VideoWorkload.Spec spec, String name, double[] fractions) {
    VideoWorkload workload = new VideoWorkload(spec);
    List<TraceRequest> trace = workload.generate();
    Map<String, List<TraceRequest>> regions = CacheSimulator.byRegion(trace);
    progress(
        "      %d requests, %.1f GB requested, footprint %.1f GB over %d regions",
        trace.size(),
        requested(trace) / 1e9,
        CacheSimulator.footprintBytes(trace) / 1e9,
        regions.size());
    // Thresholds scale with traffic: the seeds (1000/100/10 views per hour) are for a region of
    // 100k views per hour; this workload's regions see far fewer.
    double viewsPerHour = spec.sessionsPerDay() / 24.0 / regions.size();
    PopularityConfig config =
        PopularityConfig.defaults().withThresholdScale(viewsPerHour / 100_000);

    Map<String, CacheSimulator.CacheFactory> policies = new LinkedHashMap<>();
    policies.put("LRU", (t, cap) -> new LruCache(cap));
    policies.put("S3-FIFO", (t, cap) -> new S3FifoCache(cap));
    policies.put("SIEVE", (t, cap) -> new SieveCache(cap));
    policies.put("planner", (t, cap) -> new PlannerCache(cap, config, workload, spec.seed()));
    policies.put(
        "true-rates",
        (t, cap) ->
            new PlannerCache(cap, config, workload, spec.seed())
                .knownArrivalRates(new TrueArrivalRates(workload, t.get(0).region())));
    policies.put("future-count", FutureCountCache::new);
    policies.put("Belady", BeladyCache::new);

    Map<String, Row> out = new LinkedHashMap<>();
    for (var p : policies.entrySet()) {
      double[] bhr = new double[fractions.length];
      double ohr = 0;
      double prefetched = 0;
      for (int i = 0; i < fractions.length; i++) {
        long start = System.nanoTime();
        CacheSimulator.Result r = CacheSimulator.runPerRegion(trace, fractions[i], p.getValue());
        double seconds = (System.nanoTime() - start) / 1e9;
        bhr[i] = r.byteHitRatio();
        if (Math.abs(fractions[i] - 0.05) < 1e-9) {
          ohr = r.objectHitRatio();
          prefetched = r.prefetchedBytes() / 1e9;
        }
        progress(
            "      %-8s at %4.0f%%: byte hit %.4f (%.1f s, %.0f k requests/s)",
            p.getKey(), fractions[i] * 100, bhr[i], seconds, trace.size() / seconds / 1000);
      }
      out.put(p.getKey(), new Row(name, p.getKey(), bhr, ohr, prefetched));
    }
    double[] best = new double[fractions.length];
    for (int i = 0; i < fractions.length; i++) {
      for (String b : BASELINES) {
        best[i] = Math.max(best[i], out.get(b).bhr()[i]);
      }
    }
    out.put(ONLINE, new Row(name, ONLINE, best, Double.NaN, 0));
    footprint(regions.values().iterator().next(), config, workload, spec.seed());
    return out;
  }

  /** The planner's heap and its peak of sessions in progress, for one edge at 5%. */
  static void footprint(
      List<TraceRequest> edgeTrace, PopularityConfig config, VideoWorkload workload, long seed) {
    long capacity = (long) (CacheSimulator.footprintBytes(edgeTrace) * 0.05);
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    PlannerCache planner = new PlannerCache(capacity, config, workload, seed);
    int peak = 0;
    long start = System.nanoTime();
    for (int i = 0; i < edgeTrace.size(); i++) {
      planner.access(edgeTrace.get(i));
      if (i % 10_000 == 0) {
        peak = Math.max(peak, planner.activeSessions());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.gc();
    long after = rt.totalMemory() - rt.freeMemory();
    progress(
        "      planner on one edge: %.0f k requests/s, %.1f MB of state, peak %d sessions in"
            + " progress (%d now)",
        edgeTrace.size() / seconds / 1000, (after - before) / 1e6, peak, planner.activeSessions());
  }

  static String table(List<Row> rows, double[] fractions) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%-16s %-12s", "workload", "policy"));
    for (double f : fractions) {
      out.append(String.format(Locale.ROOT, " %9s", String.format("bhr@%.0f%%", f * 100)));
    }
    out.append(String.format(Locale.ROOT, " %9s %12s%n", "ohr@5%", "prefetch@5%"));
    for (Row r : rows) {
      out.append(String.format(Locale.ROOT, "%-16s %-12s", r.workload(), r.policy()));
      for (double b : r.bhr()) {
        out.append(String.format(Locale.ROOT, " %9.4f", b));
      }
      out.append(
          Double.isNaN(r.ohr())
              ? String.format(Locale.ROOT, " %9s %12s%n", "", "")
              : String.format(Locale.ROOT, " %9.4f %11.1fG%n", r.ohr(), r.prefetchedGb()));
    }
    return out.toString();
  }

  private static int indexOf(double[] fractions, double f) {
    for (int i = 0; i < fractions.length; i++) {
      if (Math.abs(fractions[i] - f) < 1e-9) {
        return i;
      }
    }
    return -1;
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
