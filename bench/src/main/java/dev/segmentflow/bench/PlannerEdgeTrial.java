package dev.segmentflow.bench;

import dev.segmentflow.cache.policy.CachePolicy;
import dev.segmentflow.cache.policy.PlannerCache;
import dev.segmentflow.cache.policy.S3FifoCache;
import dev.segmentflow.cache.policy.SegmentCatalogue;
import dev.segmentflow.cache.policy.TraceRequest;
import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.sim.CacheSimulator;
import dev.segmentflow.cache.workload.VideoWorkload;
import dev.segmentflow.cli.SegmentflowCli;
import dev.segmentflow.edge.EdgeConfig;
import dev.segmentflow.edge.EdgeServer;
import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.localservices.FlinkSessionCluster;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics.TopicSpec;
import dev.segmentflow.schemas.clickhouse.ClickHouseJdbc;
import dev.segmentflow.schemas.clickhouse.ClickHouseMigrator;
import dev.segmentflow.schemas.events.Packaging;
import dev.segmentflow.schemas.kafka.TopicCreator;
import dev.segmentflow.transcode.encode.VodPackager;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.hls.HlsPaths;
import dev.segmentflow.transcode.ingest.SampleMedia;
import dev.segmentflow.transcode.store.OriginStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The planner judged where it serves: a generated video workload, its titles packaged by the
 * transcoder into a real origin store, replayed with {@code segmentflow replay-trace} against a
 * real edge serving with the planner at a fraction of the footprint, while the PopularityJob runs
 * from its shaded jar on the standalone session cluster and feeds that edge its directives, and the
 * EventIntakeJob writes what the edge logged to ClickHouse. The edge's byte hit ratio is computed
 * from {@code edge_requests} (origin bytes are misses plus the edge's own prefetches, which it
 * logs); the simulator replays the same trace through the same policy class at the same capacity.
 * Optionally a second edge serving with S3-FIFO, obeying no directives, replays the same trace at
 * the same time.
 *
 * <p>The edges run on a trace clock: the replay compresses the trace by {@code speed}, and the
 * edges' clocks run {@code speed} times as fast, so what they log, the popularity job's ticks and
 * the planner's idea of a session's pace are all in the trace's own time, as the simulator's are.
 */
public final class PlannerEdgeTrial {
  static final String PLANNER_REGION = "planner";
  static final String S3FIFO_REGION = "s3fifo";
  static final List<String> RUNGS = List.of("480p", "360p", "240p");
  static final int SEGMENT_SECONDS = 6;

  /**
   * @param titles how many titles the catalogue holds (short clips of 1-5 minutes)
   * @param sessionsPerDay the audience
   * @param span how much of the generated day is replayed
   * @param speed how much faster than real time the replay runs
   * @param cacheFraction the edge cache as a share of the bytes the trace asks for
   * @param withS3Fifo whether a second edge replays the trace with S3-FIFO
   */
  public record Spec(
      long seed,
      int titles,
      int sessionsPerDay,
      Duration span,
      double speed,
      double cacheFraction,
      boolean withS3Fifo) {

    VideoWorkload.Spec workload() {
      // One region (one edge), the transcoder's rungs, short clips as a catalogue of news or
      // user video has them: titles short enough to package for real.
      return new VideoWorkload.Spec(
          seed,
          titles,
          List.of(PLANNER_REGION),
          List.of(1.0),
          1,
          sessionsPerDay,
          0.8,
          List.of(
              new VideoWorkload.Rendition("240p", 350),
              new VideoWorkload.Rendition("360p", 700),
              new VideoWorkload.Rendition("480p", 1200)),
          SEGMENT_SECONDS,
          0,
          0.8,
          0.7,
          0.05,
          3,
          VideoWorkload.Shape.SHORT);
    }
  }

  /** One edge's figures from ClickHouse. */
  public record EdgeFigures(
      long requests,
      long requestedBytes,
      long originBytes,
      long prefetches,
      long prefetchedBytes,
      long errors) {
    double byteHitRatio() {
      return requestedBytes == 0 ? 0 : 1 - (double) originBytes / requestedBytes;
    }
  }

  /**
   * @param s3fifoEdge null when the trial ran without the S3-FIFO edge
   */
  public record Result(
      int requests,
      long footprintBytes,
      long capacityBytes,
      double simulatedBhr,
      double simulatedS3FifoBhr,
      EdgeFigures plannerEdge,
      EdgeFigures s3fifoEdge) {
    public double diffPoints() {
      return 100 * (plannerEdge.byteHitRatio() - simulatedBhr);
    }

    public double edgeVsS3FifoPoints() {
      return s3fifoEdge == null
          ? Double.NaN
          : 100 * (plannerEdge.byteHitRatio() - s3fifoEdge.byteHitRatio());
    }

    public String line() {
      return String.format(
          Locale.ROOT,
          "simulated_bhr=%.4f edge_bhr=%.4f diff_points=%+.2f edge_vs_s3fifo_points=%+.2f",
          simulatedBhr,
          plannerEdge.byteHitRatio(),
          diffPoints(),
          edgeVsS3FifoPoints());
    }
  }

  private final Spec spec;
  private final Path dir;
  private final PrintStream progress;

  public PlannerEdgeTrial(Spec spec, Path dir, PrintStream progress) {
    this.spec = spec;
    this.dir = dir;
    this.progress = progress;
  }

  /** Runs the whole trial on the services given (the cluster needs two free slots). */
  public Result run(KafkaBroker kafka, ClickHouseServer clickHouse, FlinkSessionCluster cluster)
      throws Exception {
    VideoWorkload workload = new VideoWorkload(spec.workload());
    List<TraceRequest> generated = new ArrayList<>();
    for (TraceRequest r : workload.generate()) {
      if (r.timeMillis() < spec.span().toMillis()) {
        generated.add(r);
      }
    }
    TreeSet<String> assets = new TreeSet<>();
    generated.forEach(r -> assets.add(r.assetId()));

    Files.createDirectories(dir);
    Path origin = dir.resolve("origin");
    say(
        "[1/6] packaging the %d titles the trace asks for (6 s segments, %s)",
        assets.size(), RUNGS);
    FfmpegTools tools = FfmpegTools.bundled();
    StoreCatalogue catalogue;
    try (OriginStore store = OriginStore.open(OriginStore.Config.local(origin))) {
      int n = 0;
      for (String asset : assets) {
        int segments = workload.segments(asset, "240p");
        Path clip =
            SampleMedia.synthetic(
                dir.resolve(asset + ".mp4"), segments * SEGMENT_SECONDS, 854, 480, 24, true);
        VodPackager.quick(tools, RUNGS, store)
            .packageFile(clip, asset, SEGMENT_SECONDS, dir.resolve("work-" + asset), s -> {});
        Files.delete(clip);
        say("      %s: %d segments (%d/%d)", asset, segments, ++n, assets.size());
      }
      catalogue = new StoreCatalogue(store);
    }

    // The trace starts on a whole hour, its span and an hour before now, so its ticks fall alike
    // in the simulator and the job, and all of it lies in the past when the replay begins.
    long base =
        Instant.now()
            .minus(spec.span())
            .minus(Duration.ofHours(1))
            .atZone(ZoneOffset.UTC)
            .withMinute(0)
            .withSecond(0)
            .withNano(0)
            .toInstant()
            .toEpochMilli();
    List<TraceRequest> trace = withPlaylists(generated, catalogue, base);
    Path traceFile = dir.resolve("trace.jsonl");
    write(trace, traceFile);
    long footprint = CacheSimulator.footprintBytes(trace);
    long capacity = (long) (footprint * spec.cacheFraction());
    say(
        "      %d requests (%d sessions) over %s of trace time; footprint %.1f MB, cache %.1f MB",
        trace.size(),
        trace.stream().map(TraceRequest::sessionId).distinct().count(),
        spec.span(),
        footprint / 1e6,
        capacity / 1e6);

    // Thresholds scale with the audience, as bench/cache scales them.
    double thresholdScale = spec.sessionsPerDay() / 24.0 / 100_000;
    PopularityConfig config = PopularityConfig.defaults().withThresholdScale(thresholdScale);
    say("[2/6] the simulator over the same trace at the same capacity");
    PlannerCache planner = new PlannerCache(capacity, config, catalogue, 1);
    double simulated = simulate(trace, planner);
    double simulatedS3Fifo = simulate(trace, new S3FifoCache(capacity));
    say(
        "      planner %.4f (%.1f MB prefetched), S3-FIFO %.4f",
        simulated, planner.prefetchedBytes() / 1e6, simulatedS3Fifo);

    String run = "trial" + spec.seed() + "x" + ProcessHandle.current().pid();
    String db = run;
    clickHouse.query("CREATE DATABASE IF NOT EXISTS " + db);
    try (Connection c = ClickHouseJdbc.connect(clickHouse.jdbcUrl(db))) {
      ClickHouseMigrator.bundled().migrate(c);
    }
    String requestsTopic = run + ".edge.requests";
    String viewerTopic = run + ".viewer.events";
    String directivesTopic = run + ".cdn.directives";
    TopicCreator.ensure(
        kafka.bootstrapServers(),
        List.of(
            new TopicSpec(requestsTopic, 4, Duration.ofDays(7), "delete", "edgeId"),
            new TopicSpec(viewerTopic, 4, Duration.ofDays(7), "delete", "sessionId"),
            new TopicSpec(directivesTopic, 1, Duration.ofDays(7), "delete", "assetId"),
            new TopicSpec(run + ".no-directives", 1, Duration.ofDays(7), "delete", "assetId")),
        (short) 1);
    TopicCreator.ensureAll(kafka.bootstrapServers());

    say("[3/6] the EventIntakeJob and the PopularityJob on the session cluster");
    List<String> common =
        List.of(
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--clickhouse-url",
            clickHouse.jdbcUrl(db),
            "--checkpoint-interval-ms",
            "1000");
    submit(
        cluster,
        "event-intake",
        common,
        "--topic",
        viewerTopic,
        "--edge-topic",
        requestsTopic,
        "--group-id",
        run + "-intake");
    submit(
        cluster,
        "popularity",
        common,
        "--edge-topic",
        requestsTopic,
        "--viewer-topic",
        viewerTopic,
        "--directives-topic",
        directivesTopic,
        "--group-id",
        run + "-popularity",
        "--threshold-scale",
        Double.toString(thresholdScale));

    say("[4/6] the edges, on a clock %.0fx as fast as the wall's", spec.speed());
    TraceClock clock = new TraceClock(trace.get(0).timeMillis(), spec.speed());
    Map<String, EdgeServer> edges = new LinkedHashMap<>();
    try {
      edges.put(
          PLANNER_REGION,
          edge(
              kafka,
              PLANNER_REGION,
              "planner",
              capacity,
              requestsTopic,
              viewerTopic,
              directivesTopic,
              clock));
      if (spec.withS3Fifo()) {
        // A generic cache obeys no planner: its directives topic is one nothing writes to.
        edges.put(
            S3FIFO_REGION,
            edge(
                kafka,
                S3FIFO_REGION,
                "s3fifo",
                capacity,
                requestsTopic,
                viewerTopic,
                run + ".no-directives",
                clock));
      }
      Thread.sleep(5_000); // the directive consumers join their topic before anything is written

      say("[5/6] segmentflow replay-trace against %d edge(s) at %.0fx", edges.size(), spec.speed());
      clock.start();
      List<Thread> replays = new ArrayList<>();
      Map<String, Integer> exits = new HashMap<>();
      for (var e : edges.entrySet()) {
        Thread t =
            new Thread(
                () -> {
                  int exit =
                      SegmentflowCli.run(
                          "replay-trace",
                          "--edge",
                          "http://127.0.0.1:" + e.getValue().port(),
                          "--trace",
                          traceFile.toString(),
                          "--speed",
                          Double.toString(spec.speed()),
                          "--concurrency",
                          "32");
                  synchronized (exits) {
                    exits.put(e.getKey(), exit);
                  }
                },
                "replay-" + e.getKey());
        t.start();
        replays.add(t);
      }
      for (Thread t : replays) {
        t.join();
      }
      if (exits.values().stream().anyMatch(x -> x != 0)) {
        throw new IllegalStateException("a replay failed: " + exits);
      }
    } finally {
      for (EdgeServer e : edges.values()) {
        e.close(); // sends what its access log still holds
      }
    }

    say("[6/6] the edges' byte hit ratio from ClickHouse");
    Map<String, EdgeFigures> figures;
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (true) {
      figures = edgeFigures(clickHouse, db);
      if (complete(figures, edges.keySet(), trace.size())) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "edge_requests never held every replayed request ("
                + trace.size()
                + " each): "
                + figures);
      }
      Thread.sleep(1_000);
    }
    for (var e : figures.entrySet()) {
      EdgeFigures f = e.getValue();
      say(
          "      %s edge: %d requests, %.1f MB asked, %.1f MB from the origin (%d prefetches,"
              + " %.1f MB), %d errors: byte hit ratio %.4f",
          e.getKey(),
          f.requests(),
          f.requestedBytes() / 1e6,
          f.originBytes() / 1e6,
          f.prefetches(),
          f.prefetchedBytes() / 1e6,
          f.errors(),
          f.byteHitRatio());
    }
    return new Result(
        trace.size(),
        footprint,
        capacity,
        simulated,
        simulatedS3Fifo,
        figures.get(PLANNER_REGION),
        figures.get(S3FIFO_REGION));
  }

  private static boolean complete(
      Map<String, EdgeFigures> figures, Iterable<String> regions, int requests) {
    for (String r : regions) {
      if (!figures.containsKey(r) || figures.get(r).requests() != requests) {
        return false;
      }
    }
    return true;
  }

  /**
   * The workload's segment requests with the playlists a player fetches around them (the master and
   * the media playlist when a session starts, a media playlist when it switches), at the sizes the
   * packager wrote, on the trace clock.
   */
  static List<TraceRequest> withPlaylists(
      List<TraceRequest> segments, StoreCatalogue store, long base) {
    List<TraceRequest> out = new ArrayList<>();
    Map<String, String> renditionOf = new HashMap<>();
    for (TraceRequest r : segments) {
      long size = store.sizeBytes(r.assetId(), r.rendition(), r.segment());
      if (size < 0) {
        throw new IllegalStateException("the packager wrote no " + r.key());
      }
      long t = base + r.timeMillis();
      String before = renditionOf.put(r.sessionId(), r.rendition());
      if (before == null) {
        out.add(playlist(t, HlsPaths.master(r.assetId(), Packaging.TS), store, r));
      }
      if (!r.rendition().equals(before)) {
        out.add(
            playlist(
                t, HlsPaths.mediaPlaylist(r.assetId(), r.rendition(), Packaging.TS), store, r));
      }
      // The simulator's key for a segment, which its prefetches use too; write() makes the path.
      out.add(
          new TraceRequest(
              t,
              SegmentCatalogue.key(r.assetId(), r.rendition(), r.segment()),
              size,
              r.region(),
              r.assetId(),
              r.rendition(),
              r.segment(),
              r.sessionId()));
    }
    return out;
  }

  private static TraceRequest playlist(long t, String key, StoreCatalogue store, TraceRequest r) {
    return new TraceRequest(
        t, key, store.fileSize(key), r.region(), r.assetId(), null, -1, r.sessionId());
  }

  static double simulate(List<TraceRequest> trace, CachePolicy policy) {
    return CacheSimulator.run(trace, policy).byteHitRatio();
  }

  /** The trace as replay-trace reads it: path, time and session per line. */
  static void write(List<TraceRequest> trace, Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (TraceRequest r : trace) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("path", "/hls/" + path(r));
        line.put("requestTimeMillis", r.timeMillis());
        line.put("sessionId", r.sessionId());
        out.write(Json.MAPPER.writeValueAsString(line));
        out.write('\n');
      }
    }
  }

  /** The object's key in the origin store (and path under /hls/ at the edge). */
  static String path(TraceRequest r) {
    return r.segment() >= 0
        ? HlsPaths.segment(r.assetId(), r.rendition(), r.segment(), Packaging.TS)
        : r.key();
  }

  static Map<String, EdgeFigures> edgeFigures(ClickHouseServer clickHouse, String db) {
    String rows =
        clickHouse.query(
            "SELECT region, countIf(method = 'GET'), sumIf(bytes, method = 'GET'),"
                + " sumIf(bytes, cache_status IN ('MISS', 'BYPASS')),"
                + " countIf(method = 'PREFETCH'), sumIf(bytes, method = 'PREFETCH'),"
                + " countIf(status >= 400) FROM "
                + db
                + ".edge_requests FINAL GROUP BY region");
    Map<String, EdgeFigures> out = new HashMap<>();
    for (String line : rows.strip().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t");
      out.put(
          f[0],
          new EdgeFigures(
              Long.parseLong(f[1]),
              Long.parseLong(f[2]),
              Long.parseLong(f[3]),
              Long.parseLong(f[4]),
              Long.parseLong(f[5]),
              Long.parseLong(f[6])));
    }
    return out;
  }

  private void submit(
      FlinkSessionCluster cluster, String job, List<String> common, String... args) {
    List<String> cli =
        new ArrayList<>(
            List.of("submit", job, "--rest", cluster.restUrl(), "--parallelism", "1", "--"));
    cli.addAll(List.of(args));
    cli.addAll(common);
    int exit = SegmentflowCli.run(cli.toArray(String[]::new));
    if (exit != 0) {
      throw new IllegalStateException("segmentflow submit " + job + " exited " + exit);
    }
  }

  private EdgeServer edge(
      KafkaBroker kafka,
      String region,
      String policy,
      long capacity,
      String requestsTopic,
      String viewerTopic,
      String directivesTopic,
      Clock clock) {
    Map<String, String> s =
        BenchEdges.settings(dir, dir.resolve("origin"), kafka, region, capacity);
    s.put("requests-topic", requestsTopic);
    s.put("viewer-topic", viewerTopic);
    s.put("directives-topic", directivesTopic);
    s.put("cache-policy", policy);
    s.put("prefetch-packagings", "ts"); // the trace asks for TS only
    return new EdgeServer(EdgeConfig.of(s), clock).start();
  }

  private void say(String format, Object... args) {
    progress.printf(Locale.ROOT, format + "%n", args);
  }

  /** Sizes of what the packager wrote, as the origin store lists them. */
  static final class StoreCatalogue implements SegmentCatalogue {
    private final Map<String, Long> sizes = new HashMap<>();

    StoreCatalogue(OriginStore store) throws IOException {
      for (String key : store.list("")) {
        sizes.put(key, store.size(key));
      }
    }

    @Override
    public long sizeBytes(String assetId, String rendition, int segment) {
      if (segment < 0) {
        return -1;
      }
      return fileSize(HlsPaths.segment(assetId, rendition, segment, Packaging.TS));
    }

    /** The object's size, or -1 when the store has no such key. */
    long fileSize(String key) {
      return sizes.getOrDefault(key, -1L);
    }
  }

  /**
   * Trace time for the edges: frozen at the trace's first instant until {@link #start()}, then
   * running {@code speed} times as fast as the wall clock.
   */
  static final class TraceClock extends Clock {
    private final long startMillis;
    private final double speed;
    private volatile long startNanos = Long.MIN_VALUE;

    TraceClock(long startMillis, double speed) {
      this.startMillis = startMillis;
      this.speed = speed;
    }

    void start() {
      startNanos = System.nanoTime();
    }

    @Override
    public long millis() {
      long s = startNanos;
      return s == Long.MIN_VALUE
          ? startMillis
          : startMillis + (long) ((System.nanoTime() - s) * speed / 1e6);
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("trace time is UTC");
    }
  }
}
