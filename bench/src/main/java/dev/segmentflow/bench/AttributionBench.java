package dev.segmentflow.bench;

import dev.segmentflow.edge.EdgeConfig;
import dev.segmentflow.edge.EdgeServer;
import dev.segmentflow.edge.Origin;
import dev.segmentflow.jobs.QoeJob;
import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.clickhouse.ClickHouseJdbc;
import dev.segmentflow.schemas.clickhouse.ClickHouseMigrator;
import dev.segmentflow.schemas.flink.EventTimeOptions;
import dev.segmentflow.schemas.flink.KafkaEndpoints;
import dev.segmentflow.schemas.flink.RecordTime;
import dev.segmentflow.schemas.kafka.TopicCreator;
import dev.segmentflow.testkit.FlinkMiniCluster;
import dev.segmentflow.transcode.encode.VodPackager;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.ingest.SampleMedia;
import dev.segmentflow.transcode.store.OriginStore;
import dev.segmentflow.viewersim.SimulatedPlayer;
import dev.segmentflow.viewersim.ViewerSimulation;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Stall cause attribution against injected faults, in one run. Two regions watch the same titles,
 * each through its own real edge logging to a real Kafka broker: behind {@code slow-origin}'s edge
 * every origin fetch takes {@link #ORIGIN_DELAY_MS} longer and its cache holds a tenth of the
 * footprint, while its viewers have fast links; {@code slow-link}'s edge has the plain origin and
 * room for everything, while its viewers' links are shaped around a median just below the lowest
 * rung (log-normal, so some viewers get by). Each simulated player posts its beacons (stalls,
 * bitrate, measured throughput) and sends CMCD with its session id on every request. Then the real
 * QoeJob reads viewer.events and edge.requests from the broker (bounded) and writes {@code
 * qoe_stall_causes} to a real ClickHouse. The cause a stall should get is the fault injected in its
 * region: EDGE_MISS for slow-origin, LAST_MILE for slow-link. Last line: {@code
 * attribution_accuracy=<share of stall time attributed to the injected cause> stalls=<n>}.
 */
public final class AttributionBench {
  static final long ORIGIN_DELAY_MS = 5_000;
  static final String SLOW_ORIGIN = "slow-origin";
  static final String SLOW_LINK = "slow-link";

  private AttributionBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 150;
    int players = args.length > 1 ? Integer.parseInt(args[1]) : 24;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
    Path dir = Files.createTempDirectory("attribution-bench");
    Path origin = dir.resolve("origin");

    List<String> titles = List.of("title-a", "title-b", "title-c");
    progress("[1/5] packaging %d titles (60 s, 480p/360p/240p, 4 s segments)", titles.size());
    FfmpegTools tools = FfmpegTools.bundled();
    try (OriginStore store = OriginStore.open(OriginStore.Config.local(origin))) {
      for (String t : titles) {
        Path clip = SampleMedia.synthetic(dir.resolve(t + ".mp4"), 60, 854, 480, 24, true);
        VodPackager.quick(tools, List.of("480p", "360p", "240p"), store)
            .packageFile(clip, t, 4, dir.resolve("work-" + t), s -> {});
        progress("      %s packaged", t);
      }
    }
    long footprint = footprint(origin);
    progress("      %.1f MB in the origin", footprint / 1e6);

    progress("[2/5] starting Kafka, ClickHouse, a Flink MiniCluster and the two edges");
    try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"));
        ClickHouseServer clickHouse = ClickHouseServer.start(dir.resolve("clickhouse"));
        FlinkMiniCluster flink = FlinkMiniCluster.start()) {
      TopicCreator.ensureAll(kafka.bootstrapServers());
      String db = "attribution";
      clickHouse.query("CREATE DATABASE IF NOT EXISTS " + db);
      try (Connection c = ClickHouseJdbc.connect(clickHouse.jdbcUrl(db))) {
        ClickHouseMigrator.bundled().migrate(c);
      }
      ViewerSimulation.Summary summary;
      try (EdgeServer slowOrigin =
              edge(dir, origin, kafka, SLOW_ORIGIN, footprint / 10, slow(ORIGIN_DELAY_MS));
          EdgeServer slowLink =
              edge(dir, origin, kafka, SLOW_LINK, footprint * 2, UnaryOperator.identity())) {
        progress(
            "[3/5] %d viewers for %d s: %s (origin +%d ms, links ~20 Mbit/s), %s (links ~400"
                + " kbit/s)",
            players, seconds, SLOW_ORIGIN, ORIGIN_DELAY_MS, SLOW_LINK);
        summary =
            new ViewerSimulation(
                    new ViewerSimulation.Spec(
                        List.of(
                            new ViewerSimulation.Region(
                                SLOW_ORIGIN, "http://127.0.0.1:" + slowOrigin.port(), 20_000),
                            new ViewerSimulation.Region(
                                SLOW_LINK, "http://127.0.0.1:" + slowLink.port(), 400)),
                        titles,
                        players,
                        Duration.ofSeconds(seconds),
                        4,
                        12,
                        null,
                        seed))
                .run(System.err);
      } // closing the edges sends what their access logs still hold
      Map<String, long[]> simulated = new TreeMap<>();
      for (SimulatedPlayer.Report r : summary.sessions()) {
        long[] s = simulated.computeIfAbsent(r.region(), k -> new long[2]);
        s[0] += r.stalls();
        s[1] += r.stallMs();
      }
      simulated.forEach(
          (region, s) ->
              progress("      %s: players saw %d stalls, %.1f s in all", region, s[0], s[1] / 1e3));

      progress("[4/5] the QoE job over what the edges and players reported (bounded)");
      StreamExecutionEnvironment env = flink.environment(2);
      EventTimeOptions time = EventTimeOptions.defaults();
      String jdbcUrl = clickHouse.jdbcUrl(db);
      String brokers = kafka.bootstrapServers();
      QoeJob.build(
          env,
          RecordTime.VIEWER_EVENT.from(
              env,
              KafkaEndpoints.rawSource(brokers, Topics.VIEWER_EVENTS, "attribution", true),
              time,
              "viewer.events"),
          RecordTime.EDGE_REQUEST.from(
              env,
              KafkaEndpoints.rawSource(brokers, Topics.EDGE_REQUESTS, "attribution", true),
              time,
              "edge.requests"),
          new QoeJob.Settings(time, QoeJob.Settings.defaults().thresholds(), Topics.VIEWER_EVENTS),
          QoeJob.Sinks.production(brokers, jdbcUrl));
      env.execute("attribution-qoe");

      progress("[5/5] attributed causes against the injected ones");
      Map<String, String> injected = Map.of(SLOW_ORIGIN, "EDGE_MISS", SLOW_LINK, "LAST_MILE");
      String rows =
          clickHouse.query(
              "SELECT region, cause, count(), sum(duration_ms) FROM "
                  + db
                  + ".qoe_stall_causes FINAL WHERE kind = 'STALL' GROUP BY region, cause"
                  + " ORDER BY region, cause");
      long stalls = 0;
      long stallMs = 0;
      long rightMs = 0;
      Map<String, Long> byRegion = new HashMap<>();
      System.out.println("| region | cause | stalls | stall s |");
      System.out.println("|--------|-------|--------|---------|");
      for (String line : rows.strip().split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split("\t");
        long n = Long.parseLong(f[2]);
        long ms = Long.parseLong(f[3]);
        System.out.printf(Locale.ROOT, "| %s | %s | %d | %.1f |%n", f[0], f[1], n, ms / 1e3);
        stalls += n;
        stallMs += ms;
        byRegion.merge(f[0], n, Long::sum);
        if (f[1].equals(injected.get(f[0]))) {
          rightMs += ms;
        }
      }
      for (String region : injected.keySet()) {
        long seen = simulated.getOrDefault(region, new long[2])[0];
        if (byRegion.getOrDefault(region, 0L) != seen) {
          progress(
              "      note: %s has %d stalls in ClickHouse, %d seen by the players",
              region, byRegion.getOrDefault(region, 0L), seen);
        }
      }
      for (String region : injected.keySet()) {
        if (simulated.getOrDefault(region, new long[2])[0] == 0) {
          throw new IllegalStateException(
              "no stalls in " + region + ": its fault did not bite, so it tests nothing");
        }
      }
      System.out.printf(
          Locale.ROOT, "attribution_accuracy=%.3f stalls=%d%n", (double) rightMs / stallMs, stalls);
    }
  }

  /** An origin that answers {@code delayMs} late: a slow origin behind one edge. */
  static UnaryOperator<Origin> slow(long delayMs) {
    return inner ->
        key -> {
          try {
            Thread.sleep(delayMs);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the origin was slow");
          }
          return inner.fetch(key);
        };
  }

  static EdgeServer edge(
      Path dir,
      Path origin,
      KafkaBroker kafka,
      String region,
      long cacheBytes,
      UnaryOperator<Origin> around) {
    Map<String, String> settings = BenchEdges.settings(dir, origin, kafka, region, cacheBytes);
    return new EdgeServer(EdgeConfig.of(settings), Clock.systemUTC(), around).start();
  }

  static long footprint(Path origin) throws IOException {
    try (Stream<Path> files = Files.walk(origin)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> !p.toString().contains("/source/") && !p.toString().contains("/archive/"))
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .sum();
    }
  }

  static void progress(String format, Object... args) {
    System.err.printf(Locale.ROOT, format + "%n", args);
  }
}
