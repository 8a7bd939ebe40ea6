package dev.segmentflow.viewersim;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Viewers in several regions watching for a while: each region's players use that region's edge,
 * pick titles by a Zipf law, have their own access bandwidth (log-normal around the region's
 * median) and start a new session when one ends, so about {@code players} sessions run at once. An
 * optional spike sends extra viewers of one title in one region from a given moment: the trending
 * case the popularity job must notice.
 */
public final class ViewerSimulation {
  /** A region, the edge its players use, and the median bandwidth of its access links. */
  public record Region(String name, String edgeUrl, long medianKbps) {}

  public record Spike(String region, String assetId, Duration at, int players) {}

  public record Spec(
      List<Region> regions,
      List<String> assets,
      int players,
      Duration duration,
      int minSegments,
      int maxSegments,
      Spike spike,
      long seed) {
    public Spec {
      if (regions.isEmpty() || assets.isEmpty() || players <= 0) {
        throw new IllegalArgumentException("need regions, assets and at least one player");
      }
      if (minSegments < 1 || maxSegments < minSegments) {
        throw new IllegalArgumentException("segments per session: 1 <= min <= max");
      }
    }
  }

  /** Totals of a run, by region and overall. */
  public record Summary(List<SimulatedPlayer.Report> sessions) {
    public Map<String, List<SimulatedPlayer.Report>> byRegion() {
      Map<String, List<SimulatedPlayer.Report>> out = new TreeMap<>();
      sessions.forEach(r -> out.computeIfAbsent(r.region(), k -> new ArrayList<>()).add(r));
      return out;
    }

    public static double rebufferRatio(List<SimulatedPlayer.Report> rs) {
      double stall = rs.stream().mapToLong(SimulatedPlayer.Report::stallMs).sum();
      double play = rs.stream().mapToLong(SimulatedPlayer.Report::playedMs).sum();
      return stall + play == 0 ? 0 : stall / (stall + play);
    }

    public long errors() {
      return sessions.stream().filter(r -> r.error() != null).count();
    }
  }

  private final Spec spec;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger finished = new AtomicInteger();

  public ViewerSimulation(Spec spec) {
    this.spec = spec;
  }

  public Summary run(PrintStream progress) throws InterruptedException {
    long t0 = System.currentTimeMillis();
    long end = t0 + spec.duration().toMillis();
    List<Future<List<SimulatedPlayer.Report>>> viewers = new ArrayList<>();
    // One thread per viewer: they spend their time sleeping on playback and on the shaped link.
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      for (int p = 0; p < spec.players(); p++) {
        Region region = spec.regions().get(p % spec.regions().size());
        // Staggered arrivals over the first fifth of the run, as an audience builds up.
        long delay = (long) (spec.duration().toMillis() * 0.2 * p / spec.players());
        int viewer = p;
        viewers.add(pool.submit(() -> viewer(viewer, region, null, t0 + delay, end)));
      }
      if (spec.spike() != null) {
        Region region =
            spec.regions().stream()
                .filter(r -> r.name().equals(spec.spike().region()))
                .findFirst()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "spike region " + spec.spike().region() + " is not simulated"));
        for (int p = 0; p < spec.spike().players(); p++) {
          long at = t0 + spec.spike().at().toMillis() + p * 500L;
          int viewer = spec.players() + p;
          viewers.add(pool.submit(() -> viewer(viewer, region, spec.spike().assetId(), at, end)));
        }
      }
      long nextReport = t0 + 10_000;
      while (viewers.stream().anyMatch(f -> !f.isDone())) {
        Thread.sleep(200);
        if (System.currentTimeMillis() < nextReport) {
          continue;
        }
        nextReport += 10_000;
        progress.printf(
            Locale.ROOT,
            "      %3.0f s: %d sessions started, %d finished%n",
            (System.currentTimeMillis() - t0) / 1000.0,
            started.get(),
            finished.get());
      }
      List<SimulatedPlayer.Report> all = new ArrayList<>();
      for (var f : viewers) {
        try {
          all.addAll(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("a simulated viewer crashed", e.getCause());
        }
      }
      return new Summary(all);
    } finally {
      pool.shutdownNow();
    }
  }

  /** One viewer: sessions back to back until the end of the run. */
  private List<SimulatedPlayer.Report> viewer(
      int viewer, Region region, String only, long startAt, long end) throws InterruptedException {
    Random r = new Random(spec.seed() * 1_000_003 + viewer);
    Thread.sleep(Math.max(0, startAt - System.currentTimeMillis()));
    // log-normal bandwidth: half the viewers below the median, a tail of fast and slow links
    long kbps = Math.max(300, Math.round(region.medianKbps() * Math.exp(0.6 * r.nextGaussian())));
    String device = List.of("web", "tv", "mobile").get(r.nextInt(3));
    List<SimulatedPlayer.Report> out = new ArrayList<>();
    int n = 0;
    while (System.currentTimeMillis() < end - 5_000) {
      String asset = only != null ? only : spec.assets().get(zipf(r, spec.assets().size()));
      int segments = spec.minSegments() + r.nextInt(spec.maxSegments() - spec.minSegments() + 1);
      String sid = String.format(Locale.ROOT, "sim-%d-%d-%d", spec.seed(), viewer, n++);
      started.incrementAndGet();
      SimulatedPlayer player =
          new SimulatedPlayer(
              http,
              BufferBasedAbr.standard(),
              System::currentTimeMillis,
              new SimulatedPlayer.Session(
                  region.edgeUrl(),
                  region.name(),
                  asset,
                  sid,
                  "viewer-" + spec.seed() + "-" + viewer,
                  device,
                  kbps,
                  segments,
                  end));
      out.add(player.play());
      finished.incrementAndGet();
      if (only != null) {
        break;
      }
      Thread.sleep(500 + r.nextInt(2000));
    }
    return out;
  }

  /** Rank k (0-based) with probability proportional to 1 / (k + 1). */
  static int zipf(Random r, int n) {
    double h = 0;
    for (int k = 1; k <= n; k++) {
      h += 1.0 / k;
    }
    double u = r.nextDouble() * h;
    for (int k = 1; k <= n; k++) {
      u -= 1.0 / k;
      if (u <= 0) {
        return k - 1;
      }
    }
    return n - 1;
  }
}
