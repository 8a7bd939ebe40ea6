package dev.segmentflow.cli;

import dev.segmentflow.edge.EdgeConfig;
import dev.segmentflow.edge.EdgeServer;
import dev.segmentflow.localservices.FlinkSessionCluster;
import dev.segmentflow.localservices.Infra;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.events.AssetCatalogueEntry;
import dev.segmentflow.schemas.events.SourceSegment;
import dev.segmentflow.transcode.ingest.SampleMedia;
import dev.segmentflow.transcode.store.OriginStore;
import dev.segmentflow.viewersim.ViewerSimulation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
      "drains the jobs and prints what they found, with SQL to try. It starts from clean state:",
      "whatever an earlier demo or 'infra up' left under --dir (topics, tables, origin) is stopped",
      "and removed first, so the summary is this run's alone; give another --dir to keep it."
    })
final class DemoCommand implements Callable<Integer> {
  static final List<String> REGIONS = List.of("eu", "us", "apac");
  static final List<String> RUNGS = List.of("480p", "360p", "240p");

  /** The data of 'infra up', the origin store and the Flink cluster under --dir. */
  static final List<String> CLEAN_ON_START =
      List.of("kafka", "clickhouse", "s3", "origin", "flink");

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
    stage(1, "infrastructure: Kafka, ClickHouse, S3, from clean state (under " + dir + ")");
    Infra.State infra = cleanInfrastructure();
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
      transcode(flink, run, origin, brokers, jdbcUrl, segments.size());

      stage(5, "edges: one per region, in front of the origin store");
      Map<String, String> edgeUrls = startEdges(origin, brokers, edges);

      stage(6, "streaming jobs: intake, popularity, QoE, recommendations (from their shaded jars)");
      Map<String, String> jobs = startStreamingJobs(flink, run, brokers, jdbcUrl);

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
      watch(edgeUrls, catalogue, spikeTitle, runSeed);

      stage(8, "draining the jobs (every window and timer fires), then the results");
      drain(flink, jobs);
      DemoSummary.print(jdbcUrl, infra);
      System.out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - started) / 1e9);
      if (keepRunning) {
        keepRunningUntilInterrupted(cluster, edges, edgeUrls);
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

  /**
   * The demo's infrastructure without an earlier run's data: Kafka topics still holding an earlier
   * run's events would be read again and its rows would mix into this run's summary.
   */
  private Infra.State cleanInfrastructure() throws Exception {
    Infra.down(dir, System.out);
    List<String> removed = new ArrayList<>();
    List<String> data = new ArrayList<>(CLEAN_ON_START);
    REGIONS.forEach(r -> data.add(spoolDir(r)));
    for (String name : data) {
      Path p = dir.resolve(name);
      if (Files.exists(p)) {
        try (var files = Files.walk(p)) {
          files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        removed.add(name);
      }
    }
    System.out.println(
        removed.isEmpty()
            ? "      no earlier run under " + dir
            : "      removed an earlier run's data under " + dir + ": " + removed);
    return InfraCommand.up(dir);
  }

  /** Renders every segment's ladder with the TranscodeJob, then cancels it. */
  private static void transcode(
      FlinkRestClient flink, String run, Path origin, String brokers, String jdbcUrl, int segments)
      throws Exception {
    String job =
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
    awaitRenditions(jdbcUrl, segments);
    flink.cancel(job);
  }

  private Map<String, String> startEdges(Path origin, String brokers, List<EdgeServer> edges) {
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
                          dir.resolve(spoolDir(region)).toString())),
                  Clock.systemUTC())
              .start();
      edges.add(edge);
      edgeUrls.put(region, "http://localhost:" + edge.port());
      System.out.printf("      %-5s %s/hls/vtest/master.m3u8%n", region, edgeUrls.get(region));
    }
    return edgeUrls;
  }

  /** Where a region's edge spools its access log while Kafka is away. */
  private static String spoolDir(String region) {
    return "edge-spool-" + region;
  }

  /** Job name to job id, each RUNNING, with event time and popularity scaled to minutes. */
  private static Map<String, String> startStreamingJobs(
      FlinkRestClient flink, String run, String brokers, String jdbcUrl) {
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
    return jobs;
  }

  private void watch(
      Map<String, String> edgeUrls,
      List<AssetCatalogueEntry> catalogue,
      String spikeTitle,
      long runSeed)
      throws InterruptedException {
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
  }

  /** Stop-with-savepoint and drain, so that every window and timer fires before the summary. */
  private static void drain(FlinkRestClient flink, Map<String, String> jobs) throws Exception {
    // The edges' last log lines and the players' last beacons are still on their way to Kafka.
    Thread.sleep(5_000);
    for (var j : jobs.entrySet()) {
      flink.stopWithSavepoint(j.getValue(), null, true, Duration.ofMinutes(3));
      System.out.println("      " + j.getKey() + " drained");
    }
  }

  private static void keepRunningUntilInterrupted(
      FlinkSessionCluster cluster, List<EdgeServer> edges, Map<String, String> edgeUrls)
      throws InterruptedException {
    System.out.println(
        "everything stays up: Flink UI "
            + cluster.restUrl()
            + ", edges "
            + edgeUrls.values()
            + "; resubmit a job with: bin/segmentflow submit <job> --rest "
            + cluster.restUrl()
            + ". Ctrl-C stops the edges and Flink; 'bin/segmentflow infra down' the rest.");
    // The JVM does not wait for this thread once Ctrl-C's hooks are done: the hook cleans up.
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("stopping the edges and Flink ...");
                  edges.forEach(EdgeServer::close);
                  cluster.close();
                  stopped.countDown();
                }));
    stopped.await();
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
    List<SourceSegment> all = new ArrayList<>();
    try (OriginStore store = OriginStore.open(OriginStore.Config.local(origin));
        SourcePublisher publisher = new SourcePublisher(brokers, store, Duration.ofMinutes(10))) {
      for (Source s : sources) {
        List<SourceSegment> segs =
            publisher.ingest(s.file(), s.asset(), false, 6, Topics.SEGMENTS_SOURCE, line -> {});
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
        publisher.publish(Topics.ASSET_CATALOGUE, s.asset(), entry);
        all.addAll(segs);
        System.out.printf(
            Locale.ROOT, "      %-10s %2d segments, %5.1f s%n", s.asset(), segs.size(), duration);
      }
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
          DemoSummary.scalar(
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
}
