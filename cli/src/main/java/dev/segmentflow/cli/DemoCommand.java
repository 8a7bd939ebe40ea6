package dev.segmentflow.cli;

import dev.segmentflow.edge.EdgeConfig;
import dev.segmentflow.edge.EdgeServer;
import dev.segmentflow.localservices.FlinkSessionCluster;
import dev.segmentflow.localservices.Infra;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.clickhouse.ClickHouseJdbc;
import dev.segmentflow.schemas.events.AssetCatalogueEntry;
import dev.segmentflow.schemas.events.SourceSegment;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.ingest.SampleMedia;
import dev.segmentflow.transcode.ingest.SourceIngest;
import dev.segmentflow.transcode.ingest.SourceSplitter;
import dev.segmentflow.transcode.store.OriginStore;
import dev.segmentflow.viewersim.ViewerSimulation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code segmentflow demo}: the whole pipeline on the embedded default, start to finish. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts Kafka, ClickHouse, an S3 server and a Flink session cluster; ingests the real",
      "sample video and synthetic ones; transcodes the ladder with the TranscodeJob; starts an",
      "edge per region (eu, us, apac); runs the intake, popularity, QoE and recommendation jobs from",
      "their shaded jars; simulates viewers (with a trending spike) streaming from the edges;",
      "drains the jobs and prints what they found, with SQL to try."
    })
final class DemoCommand implements Callable<Integer> {
  static final List<String> REGIONS = List.of("eu", "us", "apac");
  static final List<String> RUNGS = List.of("480p", "360p", "240p");

  @Option(names = "--dir", description = "infrastructure folder (default: ${DEFAULT-VALUE})")
  Path dir = Path.of(".segmentflow");

  @Option(
      names = "--viewers",
      description = "concurrent simulated players (default: ${DEFAULT-VALUE})")
  int viewers = 24;

  @Option(
      names = "--duration",
      description = "seconds the viewers watch (default: ${DEFAULT-VALUE})")
  int seconds = 120;

  @Option(names = "--seed", description = "random seed of the viewers (default: the clock)")
  Long seed;

  @Option(
      names = "--keep-running",
      description = "leave everything up (edges, Flink, Kafka, ClickHouse) until Ctrl-C")
  boolean keepRunning;

  private final long started = System.nanoTime();

  @Override
  public Integer call() throws Exception {
    long runSeed = seed != null ? seed : System.currentTimeMillis() % 100_000;
    String run = "demo" + runSeed;
    stage(1, "infrastructure: Kafka, ClickHouse, S3 (state under " + dir + ")");
    Infra.State infra = InfraCommand.up(dir);
    String brokers = infra.kafkaBootstrap();
    String jdbcUrl = infra.clickHouseJdbcUrl(InfraCommand.DATABASE);
    Path origin = dir.resolve("origin").toAbsolutePath();
    List<EdgeServer> edges = new ArrayList<>();
    FlinkSessionCluster cluster = null;
    try {
      stage(2, "Flink session cluster (a JobManager and a TaskManager with 4 slots)");
      cluster = FlinkSessionCluster.start(dir.resolve("flink"), 4);
      FlinkRestClient flink = new FlinkRestClient(cluster.restUrl());
      System.out.println("      Flink " + flink.flinkVersion() + ", UI at " + cluster.restUrl());

      stage(3, "ingest: the real sample video and three synthetic titles");
      List<AssetCatalogueEntry> catalogue = new ArrayList<>();
      List<SourceSegment> segments = ingest(origin, brokers, catalogue);

      stage(4, "transcode: the TranscodeJob renders " + RUNGS + " of every segment");
      String transcode =
          submit(
              flink,
              "transcode",
              List.of(
                  "--group-id",
                  run + "-transcode",
                  "--origin",
                  origin.toUri().toString(),
                  "--rungs",
                  String.join(",", RUNGS),
                  "--preset",
                  "veryfast",
                  "--gpu",
                  "auto",
                  "--checkpoint-interval-ms",
                  "2000"),
              brokers,
              jdbcUrl);
      awaitRenditions(jdbcUrl, segments.size());
      flink.cancel(transcode);

      stage(5, "edges: one per region, in front of the origin store");
      Map<String, String> edgeUrls = new LinkedHashMap<>();
      for (String region : REGIONS) {
        EdgeServer edge =
            new EdgeServer(
                    EdgeConfig.of(
                        Map.of(
                            "port",
                            "0",
                            "edge-id",
                            "edge-" + region + "-1",
                            "region",
                            region,
                            "origin",
                            origin.toUri().toString(),
                            "bootstrap-servers",
                            brokers,
                            "cache-bytes",
                            Long.toString(64L << 20),
                            "spool-dir",
                            dir.resolve("edge-spool-" + region).toString())),
                    Clock.systemUTC())
                .start();
        edges.add(edge);
        edgeUrls.put(region, "http://localhost:" + edge.port());
        System.out.printf("      %-5s %s/hls/vtest/master.m3u8%n", region, edgeUrls.get(region));
      }

      stage(6, "streaming jobs: intake, popularity, QoE, recommendations (from their shaded jars)");
      List<String> timing = List.of("--idleness-seconds", "5", "--checkpoint-interval-ms", "5000");
      Map<String, String> jobs = new LinkedHashMap<>();
      for (String job : List.of("event-intake", "popularity", "qoe", "recommendation")) {
        List<String> args = new ArrayList<>(timing);
        args.addAll(List.of("--group-id", run + "-" + job));
        if (job.equals("popularity")) {
          // Minutes of demo traffic instead of the seed's hours: rates over minutes, thresholds
          // scaled to a few dozen viewers.
          args.addAll(
              List.of(
                  "--tick-seconds", "10",
                  "--half-life-minutes", "4",
                  "--fast-half-life-minutes", "1",
                  "--threshold-scale", "0.05"));
        }
        if (job.equals("recommendation")) {
          args.addAll(List.of("--refresh-seconds", "30"));
        }
        jobs.put(job, submit(flink, job, args, brokers, jdbcUrl));
      }

      String spikeTitle = catalogue.get(2).assetId();
      stage(
          7,
          String.format(
              Locale.ROOT,
              "viewers: %d players in %s for %d s; at %d s %s starts trending in apac",
              viewers,
              REGIONS,
              seconds,
              seconds / 2,
              spikeTitle));
      ViewerSimulation.Summary viewing =
          SimulateViewersCommand.run(
              new ViewerSimulation.Spec(
                  REGIONS.stream()
                      .map(
                          r ->
                              new ViewerSimulation.Region(
                                  r, edgeUrls.get(r), SimulateViewersCommand.MEDIAN_KBPS.get(r)))
                      .toList(),
                  catalogue.stream().map(AssetCatalogueEntry::assetId).toList(),
                  viewers,
                  Duration.ofSeconds(seconds),
                  3,
                  10,
                  new ViewerSimulation.Spike(
                      "apac", spikeTitle, Duration.ofSeconds(seconds / 2), viewers / 2),
                  runSeed),
              System.out);
      SimulateViewersCommand.print(viewing);

      stage(8, "draining the jobs (every window and timer fires), then the results");
      // The edges' last log lines and the players' last beacons are still on their way to Kafka.
      Thread.sleep(5_000);
      for (var j : jobs.entrySet()) {
        flink.stopWithSavepoint(j.getValue(), null, true, Duration.ofMinutes(3));
        System.out.println("      " + j.getKey() + " drained");
      }
      summarize(jdbcUrl, infra);
      System.out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - started) / 1e9);
      if (keepRunning) {
        System.out.println(
            "everything stays up: Flink UI "
                + cluster.restUrl()
                + ", edges "
                + edgeUrls.values()
                + "; resubmit a job with: bin/segmentflow submit <job> --rest "
                + cluster.restUrl()
                + ". Ctrl-C stops the edges and Flink; 'bin/segmentflow infra down' the rest.");
        // The JVM does not wait for this thread once Ctrl-C's hooks are done: the hook cleans up.
        FlinkSessionCluster running = cluster;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      System.out.println("stopping the edges and Flink ...");
                      edges.forEach(EdgeServer::close);
                      running.close();
                      stopped.countDown();
                    }));
        stopped.await();
      }
    } finally {
      edges.forEach(EdgeServer::close);
      if (cluster != null) {
        cluster.close();
      }
      if (!keepRunning) {
        Infra.down(dir, System.out);
      }
    }
    return 0;
  }

  private void stage(int n, String what) {
    System.out.printf(
        Locale.ROOT, "[%d/8] %s (%.0f s)%n", n, what, (System.nanoTime() - started) / 1e9);
  }

  /** Splits the sources into the origin, publishes segments and the catalogue. */
  static List<SourceSegment> ingest(
      Path origin, String brokers, List<AssetCatalogueEntry> catalogue) throws Exception {
    Path work = Files.createTempDirectory("segmentflow-demo-");
    record Source(Path file, String asset, String title, String genre, String creator) {}
    List<Source> sources =
        List.of(
            new Source(SampleMedia.realFootage(), "vtest", "Pedestrians", "documentary", "opencv"),
            new Source(
                SampleMedia.synthetic(work.resolve("a.mp4"), 36, 854, 480, 25, true),
                "pattern-a",
                "Test Card A",
                "test",
                "ffmpeg"),
            new Source(
                SampleMedia.synthetic(work.resolve("b.mp4"), 30, 854, 480, 25, true),
                "pattern-b",
                "Test Card B",
                "test",
                "ffmpeg"),
            new Source(
                SampleMedia.synthetic(work.resolve("c.mp4"), 24, 854, 480, 25, true),
                "pattern-c",
                "Test Card C",
                "music",
                "ffmpeg"));
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    List<SourceSegment> all = new ArrayList<>();
    try (OriginStore store = OriginStore.open(OriginStore.Config.local(origin));
        KafkaProducer<String, String> producer =
            new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      SourceIngest ingest =
          new SourceIngest(
              new SourceSplitter(FfmpegTools.bundled(), Duration.ofMinutes(10)),
              store,
              System::currentTimeMillis,
              SourceIngest.Pacer.REAL);
      for (Source s : sources) {
        List<SourceSegment> segs =
            ingest.ingest(
                s.file(),
                s.asset(),
                false,
                6,
                work.resolve(s.asset()),
                e ->
                    producer.send(
                        new ProducerRecord<>(Topics.SEGMENTS_SOURCE, e.assetId(), Json.string(e))),
                line -> {});
        double duration = segs.stream().mapToDouble(SourceSegment::durationSeconds).sum();
        AssetCatalogueEntry entry =
            new AssetCatalogueEntry(
                AssetCatalogueEntry.VERSION,
                s.asset(),
                s.title(),
                s.genre(),
                s.creator(),
                duration,
                System.currentTimeMillis() - 86_400_000L,
                false);
        catalogue.add(entry);
        producer.send(new ProducerRecord<>(Topics.ASSET_CATALOGUE, s.asset(), Json.string(entry)));
        all.addAll(segs);
        System.out.printf(
            Locale.ROOT, "      %-10s %2d segments, %5.1f s%n", s.asset(), segs.size(), duration);
      }
      producer.flush();
    }
    return all;
  }

  static String submit(
      FlinkRestClient flink, String job, List<String> args, String brokers, String jdbcUrl) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--bootstrap-servers", brokers, "--clickhouse-url", jdbcUrl));
    String id = SubmitCommand.start(flink, job, SubmitCommand.jarOf(job), all, 1, null);
    System.out.printf("      %-15s %s RUNNING%n", job, id);
    return id;
  }

  /** Waits until every source segment has all its rungs (in either packaging). */
  static void awaitRenditions(String jdbcUrl, int expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
    long last = -1;
    String rungs = "'" + String.join("','", RUNGS) + "'";
    while (System.nanoTime() < deadline) {
      long done =
          scalar(
              jdbcUrl,
              "SELECT count() FROM (SELECT asset_id, sequence, uniqExactIf(rendition, rendition IN ("
                  + rungs
                  + ")) AS r FROM renditions FINAL GROUP BY asset_id, sequence) WHERE r = "
                  + RUNGS.size());
      if (done != last) {
        System.out.printf("      %d/%d segments rendered%n", done, expected);
        last = done;
      }
      if (done >= expected) {
        return;
      }
      Thread.sleep(3000);
    }
    throw new IllegalStateException(
        "transcoding did not finish in 8 minutes ("
            + last
            + "/"
            + expected
            + "); see segments.dlq and the Flink UI");
  }

  static long scalar(String jdbcUrl, String sql) throws Exception {
    try (Connection c = ClickHouseJdbc.connect(jdbcUrl);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void summarize(String jdbcUrl, Infra.State infra) throws Exception {
    try (Connection c = ClickHouseJdbc.connect(jdbcUrl);
        Statement st = c.createStatement()) {
      table(
          st,
          "edge cache (edge_requests)",
          "SELECT edge_id, count() AS requests, round(countIf(cache_status IN ('HIT',"
              + " 'PREFETCH_HIT')) / count(), 3) AS hit_ratio, round(sumIf(bytes, cache_status IN"
              + " ('HIT', 'PREFETCH_HIT')) / sum(bytes), 3) AS byte_hit_ratio,"
              + " countIf(cache_status = 'PREFETCH_HIT') AS prefetch_hits FROM edge_requests FINAL"
              + " GROUP BY edge_id ORDER BY edge_id");
      table(
          st,
          "QoE by region (qoe_sessions)",
          "SELECT region, count() AS sessions, round(sum(stall_ms) / (sum(stall_ms) + sum(play_ms)), 4)"
              + " AS rebuffer_ratio, quantile(0.5)(startup_ms) AS startup_p50_ms,"
              + " countIf(failed = 1) AS failed FROM qoe_sessions FINAL GROUP BY region ORDER BY region");
      table(
          st,
          "top titles per region (popularity, at their peak)",
          "SELECT region, asset_id, round(max(requests_per_hour)) AS peak_req_per_h,"
              + " argMax(temperature, requests_per_hour) AS temperature, round(max(growth), 2) AS"
              + " max_growth FROM popularity FINAL GROUP BY region, asset_id"
              + " ORDER BY region, peak_req_per_h DESC LIMIT 2 BY region");
      table(
          st,
          "CDN directives issued (cdn_directives)",
          "SELECT kind, temperature, count() AS directives FROM cdn_directives FINAL"
              + " GROUP BY kind, temperature ORDER BY kind, temperature");
      table(
          st,
          "a recommendations sample (recommendations)",
          "SELECT viewer_id, rank, asset_id, round(score, 3) AS score, reason FROM recommendations"
              + " FINAL WHERE viewer_id IN (SELECT any(viewer_id) FROM recommendations GROUP BY"
              + " substring(viewer_id, 1, 1)) ORDER BY viewer_id, rank LIMIT 6");
      table(
          st,
          "dead letters (bad input, counted, never dropped)",
          "SELECT source_topic, reason, count() AS n FROM dead_letters FINAL GROUP BY source_topic,"
              + " reason ORDER BY n DESC LIMIT 5");
    }
    System.out.println(
        "      SQL to try (database "
            + InfraCommand.DATABASE
            + ", over HTTP: echo 'SELECT ...' | curl -s http://127.0.0.1:"
            + infra.clickHouseHttpPort()
            + "/?database="
            + InfraCommand.DATABASE
            + " --data-binary @-):");
    System.out.println(
        "        SELECT region, asset_id, max(score) FROM popularity FINAL GROUP BY region, asset_id"
            + " ORDER BY 3 DESC LIMIT 10;");
    System.out.println(
        "        SELECT device, avg(rebuffer_ratio), quantile(0.9)(startup_ms) FROM qoe_sessions"
            + " FINAL GROUP BY device;");
    System.out.println(
        "        SELECT kind, scope, asset_id, renditions, ttl_s, reason FROM cdn_directives FINAL"
            + " ORDER BY issued_at DESC LIMIT 20;");
    System.out.println(
        "        SELECT viewer_id, groupArray(asset_id) FROM (SELECT * FROM recommendations FINAL"
            + " ORDER BY rank) GROUP BY viewer_id LIMIT 5;");
  }

  static void table(Statement st, String title, String sql) throws Exception {
    System.out.println("      " + title + ":");
    try (ResultSet rs = st.executeQuery(sql)) {
      int cols = rs.getMetaData().getColumnCount();
      StringBuilder head = new StringBuilder("        ");
      for (int i = 1; i <= cols; i++) {
        head.append(String.format(Locale.ROOT, "%-16s", rs.getMetaData().getColumnLabel(i)));
      }
      System.out.println(head.toString().stripTrailing());
      int rows = 0;
      while (rs.next()) {
        StringBuilder row = new StringBuilder("        ");
        for (int i = 1; i <= cols; i++) {
          String v = String.valueOf(rs.getString(i));
          row.append(String.format(Locale.ROOT, i == cols ? "%s" : "%-16s", v));
        }
        System.out.println(row);
        rows++;
      }
      if (rows == 0) {
        System.out.println("        (none)");
      }
    }
  }
}
