package dev.segmentflow.cli;

import dev.segmentflow.viewersim.SimulatedPlayer;
import dev.segmentflow.viewersim.ViewerSimulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code segmentflow simulate-viewers}: players that really stream from the edges. */
@Command(
    name = "simulate-viewers",
    mixinStandardHelpOptions = true,
    description = {
      "Run N HLS players against one edge per region for a while. Each player fetches the",
      "master and media playlists and the segments over HTTP through a link shaped to its own",
      "bandwidth, picks renditions with a buffer-based rule (BBA-0: 8 s reservoir, 16 s",
      "cushion), sends CMCD on every request and beacons (play, first frame, stalls, switches,",
      "heartbeats, end) to the edge. Prints progress and a QoE summary per region."
    })
final class SimulateViewersCommand implements Callable<Integer> {
  static final Map<String, Long> MEDIAN_KBPS = Map.of("eu", 5000L, "us", 8000L, "apac", 1000L);

  @Option(
      names = "--edge",
      required = true,
      description = "region=edge URL, once per region (e.g. eu=http://localhost:8080)")
  Map<String, String> edges;

  @Option(
      names = "--assets",
      required = true,
      split = ",",
      description = "titles to watch, most popular first")
  List<String> assets;

  @Option(names = "--players", description = "concurrent players (default: ${DEFAULT-VALUE})")
  int players = 30;

  @Option(names = "--duration", description = "seconds to run (default: ${DEFAULT-VALUE})")
  int seconds = 120;

  @Option(
      names = "--median-kbps",
      description =
          "region=median access bandwidth (default: eu=5000, us=8000, apac=1000, else 5000)")
  Map<String, Long> medianKbps = Map.of();

  @Option(
      names = "--segments",
      description = "segments per session, min-max (default: ${DEFAULT-VALUE})")
  String segments = "3-12";

  @Option(names = "--spike", description = "region:asset:atSeconds:players, a trending spike")
  String spike;

  @Option(names = "--seed", description = "random seed (default: the clock)")
  Long seed;

  @Override
  public Integer call() throws Exception {
    ViewerSimulation.Summary summary = run(spec(), System.out);
    print(summary);
    return summary.errors() == summary.sessions().size() ? 1 : 0;
  }

  ViewerSimulation.Spec spec() {
    List<ViewerSimulation.Region> regions = new ArrayList<>();
    edges.forEach(
        (name, url) ->
            regions.add(
                new ViewerSimulation.Region(
                    name,
                    url.endsWith("/") ? url.substring(0, url.length() - 1) : url,
                    medianKbps.getOrDefault(name, MEDIAN_KBPS.getOrDefault(name, 5000L)))));
    String[] range = segments.split("-");
    if (range.length != 2) {
      throw new IllegalArgumentException("--segments is min-max, e.g. 3-12");
    }
    return new ViewerSimulation.Spec(
        regions,
        assets,
        players,
        Duration.ofSeconds(seconds),
        Integer.parseInt(range[0]),
        Integer.parseInt(range[1]),
        spike == null ? null : parseSpike(spike),
        seed != null ? seed : System.currentTimeMillis() % 1_000_000);
  }

  static ViewerSimulation.Spike parseSpike(String s) {
    String[] p = s.split(":");
    if (p.length != 4) {
      throw new IllegalArgumentException("--spike is region:asset:atSeconds:players, not " + s);
    }
    return new ViewerSimulation.Spike(
        p[0], p[1], Duration.ofSeconds(Long.parseLong(p[2])), Integer.parseInt(p[3]));
  }

  static ViewerSimulation.Summary run(ViewerSimulation.Spec spec, java.io.PrintStream out)
      throws InterruptedException {
    out.printf(
        Locale.ROOT,
        "simulating %d players in %s for %d s%s%n",
        spec.players(),
        spec.regions().stream().map(ViewerSimulation.Region::name).toList(),
        spec.duration().toSeconds(),
        spec.spike() == null
            ? ""
            : String.format(
                Locale.ROOT,
                ", spike of %d on %s in %s at %d s",
                spec.spike().players(),
                spec.spike().assetId(),
                spec.spike().region(),
                spec.spike().at().toSeconds()));
    return new ViewerSimulation(spec).run(out);
  }

  static void print(ViewerSimulation.Summary summary) {
    System.out.printf(
        "      %-6s %8s %9s %9s %10s %11s %8s%n",
        "region", "sessions", "segments", "MB", "rebuffer", "startup p50", "errors");
    summary
        .byRegion()
        .forEach(
            (region, rs) -> {
              long[] startups =
                  rs.stream()
                      .filter(r -> r.startupMs() != null)
                      .mapToLong(SimulatedPlayer.Report::startupMs)
                      .sorted()
                      .toArray();
              System.out.printf(
                  Locale.ROOT,
                  "      %-6s %8d %9d %9.1f %9.2f%% %9d ms %8d%n",
                  region,
                  rs.size(),
                  rs.stream().mapToInt(SimulatedPlayer.Report::segments).sum(),
                  rs.stream().mapToLong(SimulatedPlayer.Report::bytes).sum() / 1e6,
                  100 * ViewerSimulation.Summary.rebufferRatio(rs),
                  startups.length == 0 ? 0 : startups[startups.length / 2],
                  rs.stream().filter(r -> r.error() != null).count());
            });
    summary.sessions().stream()
        .filter(r -> r.error() != null)
        .limit(3)
        .forEach(r -> System.out.println("      e.g. " + r.sessionId() + ": " + r.error()));
  }
}
