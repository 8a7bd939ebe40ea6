package dev.segmentflow.cli;

import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.localservices.FlinkSessionCluster;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.localservices.Ports;
import dev.segmentflow.localservices.S3Server;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.Topics.TopicSpec;
import dev.segmentflow.schemas.clickhouse.ClickHouseJdbc;
import dev.segmentflow.schemas.clickhouse.ClickHouseMigrator;
import dev.segmentflow.schemas.events.SourceSegment;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import dev.segmentflow.schemas.kafka.TopicCreator;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.ingest.SampleMedia;
import dev.segmentflow.transcode.ingest.SourceIngest;
import dev.segmentflow.transcode.ingest.SourceSplitter;
import dev.segmentflow.transcode.store.OriginStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Real faults while input flows: the EventIntakeJob and the TranscodeJob run from their shaded jars
 * on a standalone session cluster with ZooKeeper HA, and for each scenario a steady stream of
 * viewer events (one in fifty malformed) and of source segments is produced while one part is
 * killed or stopped. Afterwards every event acknowledged by the broker must be in ClickHouse once,
 * every malformed one in dead_letters once, every segment's renditions in renditions once (with
 * FINAL, and again without it after OPTIMIZE TABLE ... FINAL), every job RUNNING again by itself;
 * the time from the fault's end until all input from before it is visible is the recovery time.
 */
final class FaultDrill implements AutoCloseable {
  /** The faults, in the order they run. */
  static final List<String> SCENARIOS =
      List.of("taskmanager", "kafka", "clickhouse", "s3", "jobmanager");

  /** What one scenario came to. */
  record Outcome(
      String scenario,
      long produced,
      long lost,
      long duplicated,
      long letters,
      long lettersExpected,
      long renditions,
      long renditionsExpected,
      double recoverySeconds,
      long restarts,
      boolean running) {
    boolean passed() {
      return lost == 0
          && duplicated == 0
          && letters == lettersExpected
          && renditions == renditionsExpected
          && running;
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "scenario=%s produced=%d lost=%d duplicated=%d letters=%d/%d renditions=%d/%d"
              + " recovery_s=%.1f job_restarts=%d running=%s passed=%s",
          scenario,
          produced,
          lost,
          duplicated,
          letters,
          lettersExpected,
          renditions,
          renditionsExpected,
          recoverySeconds,
          restarts,
          running,
          passed());
    }
  }

  /** Every so many viewer events, one is malformed: the last of each run of this many. */
  private static final int MALFORMED_EVERY = 50;

  private static final String DB = "drill";
  private static final String VIEWER = "drill.viewer.events";
  private static final String EDGE = "drill.edge.requests";
  private static final String DLQ = "drill.events.dlq";
  private static final String SOURCE = "drill.segments.source";

  private final Path dir;
  private final Duration load;
  private final int eventsPerSecond;
  private final PrintStream log;
  private final String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
  private final int kafkaPort = Ports.free();
  private final int kafkaControllerPort = Ports.free();
  private final int clickHouseHttp = Ports.free();
  private final int clickHouseTcp = Ports.free();
  private final int s3Port = Ports.free();
  private KafkaBroker kafka;
  private ClickHouseServer clickHouse;
  private S3Server s3;
  private FlinkSessionCluster flink;
  private FlinkRestClient rest;
  private final List<String> jobs = new ArrayList<>();
  private OriginStore.Config origin;
  private SourceSegment model;

  FaultDrill(Path dir, Duration load, int eventsPerSecond, PrintStream log) {
    this.dir = dir.toAbsolutePath();
    this.load = load;
    this.eventsPerSecond = eventsPerSecond;
    this.log = log;
  }

  /** Starts the services and both jobs. */
  void start() throws Exception {
    log.println("[drill] starting Kafka, ClickHouse, S3, ZooKeeper and a Flink session cluster");
    kafka = KafkaBroker.start(dir.resolve("kafka"), kafkaPort, kafkaControllerPort);
    clickHouse = ClickHouseServer.start(dir.resolve("clickhouse"), clickHouseHttp, clickHouseTcp);
    s3 = S3Server.start(dir.resolve("s3"), s3Port, S3Server.DEFAULT_BUCKET);
    flink = FlinkSessionCluster.start(dir.resolve("flink"), 2, true);
    rest = new FlinkRestClient(flink.restUrl());
    clickHouse.query("CREATE DATABASE IF NOT EXISTS " + DB);
    try (Connection c = ClickHouseJdbc.connect(clickHouse.jdbcUrl(DB))) {
      ClickHouseMigrator.bundled().migrate(c);
    }
    TopicCreator.ensure(
        kafka.bootstrapServers(),
        List.of(
            new TopicSpec(VIEWER, 4, Duration.ofDays(1), "delete", "sessionId"),
            new TopicSpec(EDGE, 2, Duration.ofDays(1), "delete", "sessionId"),
            new TopicSpec(DLQ, 1, Duration.ofDays(1), "delete", "sourceTopic"),
            new TopicSpec(SOURCE, 2, Duration.ofDays(1), "delete", "assetId"),
            // the transcode job writes to the standard topics
            new TopicSpec(Topics.SEGMENTS_RENDERED, 2, Duration.ofDays(1), "delete", "assetId"),
            new TopicSpec(Topics.SEGMENTS_DLQ, 1, Duration.ofDays(1), "delete", "sourceTopic")),
        (short) 1);
    origin =
        OriginStore.Config.s3(
            "s3a://" + s3.bucket() + "/drill",
            s3.endpoint(),
            S3Server.ACCESS_KEY,
            S3Server.SECRET_KEY);
    log.println("[drill] ingesting a 4 s clip as the transcode input");
    try (OriginStore store = OriginStore.open(origin)) {
      FfmpegTools tools = FfmpegTools.bundled();
      Path clip = SampleMedia.synthetic(dir.resolve("clip.mp4"), 4, 320, 240, 25, true);
      model =
          new SourceIngest(
                  new SourceSplitter(tools, Duration.ofMinutes(2)),
                  store,
                  System::currentTimeMillis,
                  t -> {})
              .ingest(clip, "drill-model", false, 4, dir.resolve("split"), e -> {}, s -> {})
              .get(0);
    }
    String checkpoints = "2000";
    jobs.add(
        submit(
            "event-intake",
            List.of(
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--clickhouse-url", clickHouse.jdbcUrl(DB),
                "--topic", VIEWER,
                "--edge-topic", EDGE,
                "--dlq-topic", DLQ,
                "--group-id", "drill-intake",
                "--checkpoint-interval-ms", checkpoints)));
    jobs.add(
        submit(
            "transcode",
            List.of(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--clickhouse-url",
                clickHouse.jdbcUrl(DB),
                "--origin",
                origin.baseUri(),
                "--s3-endpoint",
                s3.endpoint(),
                "--s3-access-key",
                S3Server.ACCESS_KEY,
                "--s3-secret-key",
                S3Server.SECRET_KEY,
                "--source-topic",
                SOURCE,
                "--group-id",
                "drill-transcode",
                "--rungs",
                "240p",
                "--preset",
                "ultrafast",
                "--quality-every",
                "0",
                "--retry-backoff-ms",
                "1000",
                "--checkpoint-interval-ms",
                checkpoints)));
  }

  private String submit(String job, List<String> args) {
    String jar = rest.uploadJar(SubmitCommand.jarOf(job));
    String id = rest.run(jar, null, args, 1, null);
    rest.awaitState(id, "RUNNING", Duration.ofMinutes(2));
    log.println("[drill] " + job + " job " + id + " RUNNING");
    return id;
  }

  /**
   * Runs one scenario: input flows for half the load time, through the whole fault, and for the
   * other half after it.
   */
  Outcome run(String scenario) throws Exception {
    String tag = run + "." + scenario;
    log.printf(
        "[drill] %s: %d events/s and a segment a second, before, during and after the fault%n",
        scenario, eventsPerSecond);
    AtomicLong sent = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    AtomicLong malformed = new AtomicLong();
    AtomicLong segments = new AtomicLong();
    AtomicLong failedSends = new AtomicLong();
    AtomicBoolean flowing = new AtomicBoolean(true);
    long restartsBefore = restarts();
    Thread producer =
        new Thread(
            () -> produce(tag, flowing, sent, acked, malformed, segments, failedSends),
            "drill-" + scenario);
    producer.start();
    Thread.sleep(load.toMillis() / 2);
    log.println("[drill] " + scenario + ": fault");
    inject(scenario);
    long faultEnd = System.nanoTime();
    long sentBeforeEnd = sent.get();
    long segmentsBeforeEnd = segments.get();
    log.println("[drill] " + scenario + ": fault over; waiting for the input from before it");
    boolean recovered =
        await(
            () ->
                allRunning()
                    && storedUpTo(tag, sentBeforeEnd) >= validUpTo(sentBeforeEnd)
                    && renditionsUpTo(tag, segmentsBeforeEnd) >= 2 * segmentsBeforeEnd,
            Duration.ofMinutes(4));
    double recovery = (System.nanoTime() - faultEnd) / 1e9;
    // input keeps flowing for the second half after the fault, however long recovery took
    Thread.sleep(Math.max(0, load.toMillis() / 2 - (System.nanoTime() - faultEnd) / 1_000_000));
    flowing.set(false);
    producer.join();
    long produced = acked.get();
    long expectedLetters = malformed.get();
    long expectedRenditions = segments.get() * 2;
    await(
        () ->
            stored(tag) >= produced - expectedLetters
                && letters(tag) >= expectedLetters
                && renditions(tag) >= expectedRenditions,
        Duration.ofMinutes(3));
    long stored = stored(tag);
    long letters = letters(tag);
    long renditions = renditions(tag);
    clickHouse.query("OPTIMIZE TABLE " + DB + ".viewer_events FINAL");
    clickHouse.query("OPTIMIZE TABLE " + DB + ".dead_letters FINAL");
    clickHouse.query("OPTIMIZE TABLE " + DB + ".renditions FINAL");
    long rows = number("SELECT count() FROM " + DB + ".viewer_events WHERE " + eventsOf(tag));
    long letterRows = number("SELECT count() FROM " + DB + ".dead_letters WHERE " + lettersOf(tag));
    long renditionRows =
        number("SELECT count() FROM " + DB + ".renditions WHERE " + renditionsOf(tag));
    long duplicated =
        Math.max(0, rows - stored)
            + Math.max(0, letterRows - letters)
            + Math.max(0, renditionRows - renditions);
    long valid = produced - expectedLetters;
    Outcome o =
        new Outcome(
            scenario,
            produced,
            Math.max(0, valid - stored)
                + Math.max(0, expectedLetters - letters)
                + Math.max(0, expectedRenditions - renditions),
            duplicated + Math.max(0, stored - valid),
            letters,
            expectedLetters,
            renditions,
            expectedRenditions,
            recovered ? recovery : Double.NaN,
            // a new JobManager counts from zero: then its count is the scenario's
            restarts() >= restartsBefore ? restarts() - restartsBefore : restarts(),
            allRunning());
    if (failedSends.get() > 0) {
      log.println("[drill] " + scenario + ": " + failedSends.get() + " sends the broker refused");
    }
    log.println(o.line());
    return o;
  }

  private void inject(String scenario) throws Exception {
    switch (scenario) {
      case "taskmanager" -> {
        flink.killTaskManager();
        flink.startTaskManager();
      }
      case "kafka" -> {
        kafka.process().kill();
        kafka = KafkaBroker.start(dir.resolve("kafka"), kafkaPort, kafkaControllerPort);
      }
      case "clickhouse" -> {
        clickHouse.close();
        Thread.sleep(30_000);
        clickHouse =
            ClickHouseServer.start(dir.resolve("clickhouse"), clickHouseHttp, clickHouseTcp);
      }
      case "s3" -> {
        s3.close();
        Thread.sleep(30_000);
        s3 = S3Server.start(dir.resolve("s3"), s3Port, S3Server.DEFAULT_BUCKET);
      }
      case "jobmanager" -> {
        flink.killJobManager();
        flink.startJobManager();
      }
      default -> throw new IllegalArgumentException("no such scenario: " + scenario);
    }
  }

  /**
   * Viewer events and source segments at a steady pace while {@code flowing}. Sends retry for ten
   * minutes, as a real edge's would, so a broker outage delays input rather than losing it.
   */
  private void produce(
      String tag,
      AtomicBoolean flowing,
      AtomicLong sent,
      AtomicLong acked,
      AtomicLong malformed,
      AtomicLong segments,
      AtomicLong failed) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(10 * 60_000));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.toString(10 * 60_000));
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      long start = System.nanoTime();
      long tick = 0;
      while (flowing.get()) {
        for (int i = 0; i < eventsPerSecond / 10; i++) {
          long n = sent.getAndIncrement();
          boolean bad = n % MALFORMED_EVERY == MALFORMED_EVERY - 1;
          String session = tag + ".s" + (n % 40);
          String value = bad ? "{\"eventId\": \"" + tag + ".bad." + n + "\", " : event(tag, n);
          if (bad) {
            malformed.incrementAndGet();
          }
          producer.send(
              new ProducerRecord<>(VIEWER, session, value),
              (meta, e) -> (e == null ? acked : failed).incrementAndGet());
        }
        if (tick % 10 == 0) {
          SourceSegment s = segment(tag, segments.getAndIncrement());
          producer.send(new ProducerRecord<>(SOURCE, s.assetId(), Json.string(s)));
        }
        tick++;
        long next = start + tick * 100_000_000L;
        Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String event(String tag, long n) {
    long now = System.currentTimeMillis();
    return Json.string(
        new ViewerEvent(
            ViewerEvent.VERSION,
            tag + "." + n,
            ViewerEventType.HEARTBEAT,
            tag + ".s" + (n % 40),
            "drill-viewer-" + (n % 40),
            "drill-asset",
            "eu-west",
            "edge-eu-west",
            "web",
            now,
            (double) (n / 40),
            1600L,
            6000L,
            4800L,
            false,
            false,
            null,
            null,
            null,
            null,
            null,
            null));
  }

  /** The model segment again under an asset of its own: the same source, new renditions. */
  private SourceSegment segment(String tag, long k) {
    String asset = "drill-" + tag.replace('.', '-') + "-" + k;
    return new SourceSegment(
        SourceSegment.VERSION,
        SourceSegment.idFor(asset, 0),
        asset,
        0,
        model.uri(),
        model.startSeconds(),
        model.durationSeconds(),
        false,
        true,
        model.width(),
        model.height(),
        model.frameRate(),
        model.hasAudio(),
        model.sourceBitrateKbps(),
        model.videoCodec(),
        System.currentTimeMillis());
  }

  private boolean allRunning() {
    try {
      for (String id : jobs) {
        if (!"RUNNING".equals(rest.state(id))) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false; // the REST API is down while a JobManager starts
    }
  }

  /** Restarts of both jobs, as their JobManager counts them. */
  private long restarts() {
    long n = 0;
    for (String id : jobs) {
      n += rest.restarts(id);
    }
    return n;
  }

  private long renditionsUpTo(String tag, long segmentsBefore) {
    return count(
        "SELECT count() FROM "
            + DB
            + ".renditions FINAL WHERE "
            + renditionsOf(tag)
            + " AND toUInt64(splitByChar('-', asset_id)[4]) < "
            + segmentsBefore);
  }

  private long stored(String tag) {
    return count(
        "SELECT uniqExact(event_id) FROM " + DB + ".viewer_events FINAL WHERE " + eventsOf(tag));
  }

  private long storedUpTo(String tag, long sentBefore) {
    return count(
        "SELECT uniqExact(event_id) FROM "
            + DB
            + ".viewer_events FINAL WHERE "
            + eventsOf(tag)
            + " AND toUInt64(splitByChar('.', event_id)[3]) < "
            + sentBefore);
  }

  /** Valid events among the first {@code sentBefore} sent. */
  private static long validUpTo(long sentBefore) {
    return sentBefore - sentBefore / MALFORMED_EVERY;
  }

  private long letters(String tag) {
    return count("SELECT count() FROM " + DB + ".dead_letters FINAL WHERE " + lettersOf(tag));
  }

  private long renditions(String tag) {
    return count("SELECT count() FROM " + DB + ".renditions FINAL WHERE " + renditionsOf(tag));
  }

  private static String eventsOf(String tag) {
    return "startsWith(event_id, '" + tag + ".')";
  }

  private static String lettersOf(String tag) {
    return "position(payload, '\"" + tag + ".bad.') > 0";
  }

  private static String renditionsOf(String tag) {
    return "startsWith(asset_id, 'drill-" + tag.replace('.', '-') + "-')";
  }

  /** A count, or -1 while ClickHouse does not answer. */
  private long count(String sql) {
    try {
      return number(sql);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private long number(String sql) {
    return Long.parseLong(clickHouse.query(sql).strip());
  }

  private static boolean await(BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }

  @Override
  public void close() {
    for (AutoCloseable c : new AutoCloseable[] {flink, s3, clickHouse, kafka}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        log.println("[drill] closing: " + e);
      }
    }
  }
}
