package dev.segmentflow.bench;

import dev.segmentflow.jobs.EventIntakeJob;
import dev.segmentflow.jobs.JobParameters;
import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics.TopicSpec;
import dev.segmentflow.schemas.clickhouse.ClickHouseHttp;
import dev.segmentflow.schemas.clickhouse.ClickHouseJdbc;
import dev.segmentflow.schemas.clickhouse.ClickHouseMigrator;
import dev.segmentflow.schemas.clickhouse.IntakeTables;
import dev.segmentflow.schemas.clickhouse.RowBinaryBuffer;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import dev.segmentflow.schemas.flink.KafkaEndpoints;
import dev.segmentflow.schemas.kafka.TopicCreator;
import dev.segmentflow.schemas.validation.EventValidator;
import dev.segmentflow.schemas.validation.Validation;
import dev.segmentflow.testkit.FlinkMiniCluster;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Rows per second the EventIntakeJob writes into ClickHouse (Kafka -> validate -> RowBinary sink),
 * against a hand loop that does the same work without Flink: the same events read from the same
 * topic, checked by the same validator, encoded and inserted the same way. Both are timed by the
 * same poller, from their first rows visible to their last. For scale it also prints what inserts
 * alone reach from records already in memory (the server's limit, which no intake reaches: it reads
 * and checks nothing). Then, with the job caught up, the delay from an event's creation to its row
 * being visible to a query, and how long checkpoints take. Last line: {@code rows_per_s=<n>
 * ratio=<job/hand loop> p95_ms=<n> checkpoint_ms=<n>}.
 */
public final class SinkBench {
  /** Rows per insert in the hand loop: the sink's own batch limit. */
  private static final int BATCH = 100_000;

  private static final String WARM_TOPIC = "sink-bench.warmup";

  /** Measured runs of each contender, alternating. */
  private static final int ROUNDS = 3;

  /**
   * The job runs as shipped: checkpoints at its default interval. Rows become visible at the sink's
   * own flushes (every second while rows come), not at checkpoints, so a checkpoint costs
   * throughput (each waits for every insert in flight) and buys no freshness; one more round at 1 s
   * shows that cost.
   */
  private static final long CHECKPOINT_MS = JobParameters.DEFAULT_CHECKPOINT_INTERVAL_MS;

  private static final long FREQUENT_CHECKPOINT_MS = 1_000;

  private SinkBench() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 3_000_000;
    int warm = Math.min(rows, 200_000);
    int leadIn = Math.min(rows, 1_000_000);
    int probes = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    Path dir = Files.createTempDirectory("sink-bench");
    System.err.println("[1/6] starting Kafka, ClickHouse and a Flink MiniCluster");
    try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"));
        ClickHouseServer clickHouse = ClickHouseServer.start(dir.resolve("clickhouse"));
        FlinkMiniCluster flink = FlinkMiniCluster.start()) {
      String topic = "sink-bench.viewer.events";
      TopicCreator.ensure(
          kafka.bootstrapServers(),
          List.of(
              new TopicSpec(topic, 2, Duration.ofDays(1), "delete", "sessionId"),
              new TopicSpec(WARM_TOPIC, 2, Duration.ofDays(1), "delete", "sessionId"),
              new TopicSpec("sink-bench.dlq", 1, Duration.ofDays(1), "delete", "sourceTopic")),
          (short) 1);
      createTables(clickHouse, "by_loop");
      long base = System.currentTimeMillis() - 3_600_000;
      List<ViewerEvent> events = new ArrayList<>(rows);
      for (int i = 0; i < rows; i++) {
        events.add(event("bulk-" + i, "s" + (i % 5000), base + i));
      }

      System.err.printf(
          "[2/6] the server's limit: %d records as RowBinary over HTTP, %d rows an insert%n",
          rows, BATCH);
      ClickHouseHttp byLoop = ClickHouseHttp.fromJdbcUrl(clickHouse.jdbcUrl("by_loop"));
      insertLoop(byLoop, events); // warm-up: the same rows again are replaced, not added
      long loopStart = System.nanoTime();
      insertLoop(byLoop, events);
      double insertRate = rows / ((System.nanoTime() - loopStart) / 1e9);
      System.err.printf("      %.0f rows/s%n", insertRate);

      System.err.printf(
          "[3/6] writing %d events to Kafka after %d lead-in ones (and %d to warm up on)%n",
          rows, leadIn, warm);
      events.clear();
      produce(kafka, WARM_TOPIC, "warm-", warm, base);
      // Each measured run reads these first and is timed from its first measured row: a job runs
      // for days, so starting it (and the compiler's first work on it) is not per-row cost.
      produce(kafka, topic, "lead-", leadIn, base);
      produce(kafka, topic, "bulk-", rows, base);

      System.err.println("[4/6] warm-up: the hand loop and the job once each over other rows");
      JobClient[] job = new JobClient[2];
      runUntilVisible(
          clickHouse,
          "by_kafka_warmup",
          "warm-",
          warm,
          () -> kafkaLoop(kafka, clickHouse, WARM_TOPIC, "by_kafka_warmup"));
      runUntilVisible(
          clickHouse,
          "by_warmup",
          "warm-",
          warm,
          () -> job[0] = intake(flink, kafka, clickHouse, WARM_TOPIC, "by_warmup", CHECKPOINT_MS));
      job[0].cancel().get();

      // Rounds alternating, each contender after the server's merges have settled: a
      // contender that follows a burst of inserts pays for the merges it left; the best round of
      // each counts, so the reference is never the slower of its runs.
      System.err.printf(
          "[5/6] %d rounds: hand loop (Kafka -> validate -> RowBinary, a thread per partition and"
              + " one inserting), then EventIntakeJob (parallelism 2, checkpoint every %d s)%n",
          ROUNDS, CHECKPOINT_MS / 1000);
      double loopRate = 0;
      double jobRate = 0;
      String jobDb = null;
      for (int round = 1; round <= ROUNDS; round++) {
        String loopDb = "by_kafka_" + round;
        settle(clickHouse);
        double loop;
        try (CpuProfile profile = round == ROUNDS ? CpuProfile.start(".loop") : CpuProfile.none()) {
          loop =
              runUntilVisible(
                  clickHouse,
                  loopDb,
                  "bulk-",
                  rows,
                  () -> kafkaLoop(kafka, clickHouse, topic, loopDb));
        }
        System.err.printf("      round %d, hand loop: %.0f rows/s%n", round, loop);
        String db = "by_job_" + round;
        settle(clickHouse);
        double byJob;
        try (CpuProfile profile = round == ROUNDS ? CpuProfile.start() : CpuProfile.none()) {
          byJob =
              runUntilVisible(
                  clickHouse,
                  db,
                  "bulk-",
                  rows,
                  () -> job[0] = intake(flink, kafka, clickHouse, topic, db, CHECKPOINT_MS));
        }
        System.err.printf("      round %d, job: %.0f rows/s%n", round, byJob);
        if (round < ROUNDS) {
          job[0].cancel().get(); // the last one stays for the probes
        }
        loopRate = Math.max(loopRate, loop);
        jobRate = Math.max(jobRate, byJob);
        jobDb = db;
      }

      settle(clickHouse);
      double frequent =
          runUntilVisible(
              clickHouse,
              "by_job_frequent",
              "bulk-",
              rows,
              () ->
                  job[1] =
                      intake(
                          flink,
                          kafka,
                          clickHouse,
                          topic,
                          "by_job_frequent",
                          FREQUENT_CHECKPOINT_MS));
      job[1].cancel().get();
      System.err.printf(
          "      one more round, job with a checkpoint every %d ms: %.0f rows/s%n",
          FREQUENT_CHECKPOINT_MS, frequent);

      System.err.printf("[6/6] %d probe events at 20/s: creation to row visible%n", probes);
      List<Long> latencies = latencies(kafka, clickHouse, topic, jobDb, probes);
      CheckpointFigures checkpoints =
          CheckpointFigures.of(flink.miniCluster().getRestAddress().get(), job[0].getJobID());
      System.err.printf("      %d checkpoints completed%n", checkpoints.count());
      job[0].cancel().get();
      latencies.sort(null);
      long p50 = latencies.get(latencies.size() / 2);
      long p95 = latencies.get((int) Math.ceil(0.95 * latencies.size()) - 1);
      System.out.printf(
          "inserts alone (the server's limit): %.0f rows/s; hand loop from Kafka: %.0f rows/s;"
              + " job: %.0f rows/s (%.3f of the server's limit)%n",
          insertRate, loopRate, jobRate, jobRate / insertRate);
      System.out.printf(
          "job with a checkpoint every %d ms: %.0f rows/s (%.3f of the hand loop)%n",
          FREQUENT_CHECKPOINT_MS, frequent, frequent / loopRate);
      System.out.printf(
          "event -> row visible: p50 %d ms, p95 %d ms, max %d ms over %d events%n",
          p50, p95, latencies.get(latencies.size() - 1), latencies.size());
      System.out.printf(
          "rows_per_s=%.0f ratio=%.3f p95_ms=%d checkpoint_ms=%d%n",
          jobRate, jobRate / loopRate, p95, checkpoints.p95DurationMillis());
    }
  }

  /**
   * {@code n} events with ids {@code prefix + i}, in chunks so that few are on the heap at once.
   */
  private static void produce(KafkaBroker kafka, String topic, String prefix, int n, long base) {
    int chunk = 250_000;
    for (int from = 0; from < n; from += chunk) {
      List<ProducerRecord<String, String>> records = new ArrayList<>(chunk);
      for (int i = from; i < Math.min(n, from + chunk); i++) {
        ViewerEvent e = event(prefix + i, "s" + (i % 5000), base + i);
        records.add(new ProducerRecord<>(topic, e.sessionId(), Json.string(e)));
      }
      kafka.produce(records);
    }
  }

  /**
   * Encodes and inserts records already in memory, in batches of {@link #BATCH}: no input to read
   * or check, so this is what the server and the wire take, not what any intake can reach.
   */
  static void insertLoop(ClickHouseHttp clickHouse, List<ViewerEvent> events) throws Exception {
    String insert = IntakeTables.VIEWER_EVENTS.insertStatement();
    RowBinaryBuffer buffer = new RowBinaryBuffer(1 << 20);
    for (int i = 0; i < events.size(); i++) {
      IntakeTables.VIEWER_EVENTS.encoder().encode(events.get(i), buffer);
      if ((i + 1) % BATCH == 0 || i == events.size() - 1) {
        clickHouse.insert(insert, buffer.array(), buffer.size());
        buffer.clear();
      }
    }
  }

  /**
   * The job's work without Flink, as fast as it can be written: one thread per partition polls the
   * topic's raw bytes (large fetches, read_committed as the job reads), validates each record with
   * the same validator and encodes the valid ones into a RowBinary batch; another thread inserts
   * full batches, so polling and parsing never wait on ClickHouse. No checkpoints, no dead-letter
   * topic (the bench's input has no bad records), nothing to survive a crash.
   */
  static void kafkaLoop(KafkaBroker kafka, ClickHouseServer server, String topic, String db)
      throws Exception {
    ClickHouseHttp clickHouse = ClickHouseHttp.fromJdbcUrl(server.jdbcUrl(db));
    String insert = IntakeTables.VIEWER_EVENTS.insertStatement();
    BlockingQueue<RowBinaryBuffer> full = new ArrayBlockingQueue<>(4);
    BlockingQueue<RowBinaryBuffer> empty = new ArrayBlockingQueue<>(4);
    for (int i = 0; i < 4; i++) {
      empty.add(new RowBinaryBuffer(16 << 20));
    }
    RowBinaryBuffer done = new RowBinaryBuffer(0);
    int partitions = partitionCount(kafka, topic);
    ExecutorService threads = Executors.newFixedThreadPool(partitions + 1);
    try {
      Future<?> inserter =
          threads.submit(
              () -> {
                for (RowBinaryBuffer b = full.take(); b != done; b = full.take()) {
                  clickHouse.insert(insert, b.array(), b.size());
                  b.clear();
                  empty.put(b);
                }
                return null;
              });
      List<Future<?>> readers = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        TopicPartition partition = new TopicPartition(topic, p);
        readers.add(
            threads.submit(
                () -> {
                  readPartition(kafka, partition, full, empty);
                  return null;
                }));
      }
      for (Future<?> reader : readers) {
        // A failed insert leaves the readers waiting for buffers: its error ends the loop.
        while (!reader.isDone()) {
          if (inserter.isDone()) {
            inserter.get();
          }
          Thread.sleep(50);
        }
        reader.get();
      }
      while (!full.offer(done, 50, TimeUnit.MILLISECONDS)) {
        if (inserter.isDone()) {
          inserter.get();
        }
      }
      inserter.get();
    } finally {
      threads.shutdownNow();
    }
  }

  private static int partitionCount(KafkaBroker kafka, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
      return consumer.partitionsFor(topic).size();
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(KafkaBroker kafka) {
    Properties props = new Properties();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    props.put("isolation.level", "read_committed");
    props.put("max.poll.records", "10000");
    props.put("fetch.max.bytes", String.valueOf(64 << 20));
    props.put("max.partition.fetch.bytes", String.valueOf(16 << 20));
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** One partition from its start to the end it had when the reader began. */
  private static void readPartition(
      KafkaBroker kafka,
      TopicPartition partition,
      BlockingQueue<RowBinaryBuffer> full,
      BlockingQueue<RowBinaryBuffer> empty)
      throws InterruptedException {
    EventValidator<ViewerEvent> validator = EventValidator.of(ViewerEvent.class);
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      RowBinaryBuffer batch = empty.take();
      int inBatch = 0;
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (validator.validate(r.value()) instanceof Validation.Valid<ViewerEvent> v) {
            IntakeTables.VIEWER_EVENTS.encoder().encode(v.value(), batch);
            if (++inBatch == BATCH) {
              full.put(batch);
              batch = empty.take();
              inBatch = 0;
            }
          }
        }
      }
      if (inBatch > 0) {
        full.put(batch);
      }
    }
  }

  /**
   * CPU time of this JVM (of it, the JIT compilers' time) and of each service process it started.
   */
  record CpuSeconds(double jvm, double jit, double kafka, double clickHouse) {
    static CpuSeconds now() {
      double jvm = JvmCpu.nanos() / 1e9;
      double jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() / 1e3;
      double[] services = new double[2];
      ProcessHandle.current()
          .descendants()
          .forEach(
              p -> {
                String command = commandLine(p.pid());
                int which =
                    command.contains("kafka.Kafka") ? 0 : command.contains("clickhouse") ? 1 : -1;
                if (which >= 0) {
                  services[which] += JvmCpu.processNanos(p.pid()) / 1e9;
                }
              });
      return new CpuSeconds(jvm, jit, services[0], services[1]);
    }

    private static String commandLine(long pid) {
      try {
        return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
      } catch (java.io.IOException | RuntimeException e) {
        return "";
      }
    }

    CpuSeconds minus(CpuSeconds o) {
      return new CpuSeconds(jvm - o.jvm, jit - o.jit, kafka - o.kafka, clickHouse - o.clickHouse);
    }

    @Override
    public String toString() {
      return String.format(
          "this JVM %.1f (JIT compiling %.1f), Kafka %.1f, ClickHouse %.1f",
          jvm, jit, kafka, clickHouse);
    }
  }

  static void createTables(ClickHouseServer clickHouse, String db) throws Exception {
    clickHouse.query("CREATE DATABASE IF NOT EXISTS " + db);
    try (Connection c = ClickHouseJdbc.connect(clickHouse.jdbcUrl(db))) {
      ClickHouseMigrator.bundled().migrate(c);
    }
  }

  /** Waits until the server merges nothing (at most 30 s), then two seconds more. */
  static void settle(ClickHouseServer clickHouse) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline
        && !"0".equals(clickHouse.query("SELECT count() FROM system.merges").trim())) {
      Thread.sleep(200);
    }
    Thread.sleep(2_000);
  }

  /** What a contender does to load rows; it may return before they are all in. */
  interface Contender {
    void start() throws Exception;
  }

  /**
   * Starts a contender and watches its rows arrive; rows per second from the first visible ones to
   * the last, the same clock for the loop and the job.
   */
  static double runUntilVisible(
      ClickHouseServer clickHouse, String db, String idPrefix, int rows, Contender contender)
      throws Exception {
    createTables(clickHouse, db);
    CpuSeconds cpuBefore = CpuSeconds.now();
    Exception[] failure = new Exception[1];
    Thread runner =
        new Thread(
            () -> {
              try {
                contender.start();
              } catch (Exception e) {
                failure[0] = e;
              }
            },
            "sink-bench-contender");
    runner.start();
    long firstAt = 0;
    long firstCount = 0;
    CpuSeconds cpuAtFirst = null;
    long visible = 0;
    while (visible < rows) {
      Thread.sleep(100);
      if (!runner.isAlive() && failure[0] != null) {
        throw new IllegalStateException(db + ": the contender failed", failure[0]);
      }
      visible = count(clickHouse, db, "event_id LIKE '" + idPrefix + "%'");
      if (visible > 0 && firstAt == 0) {
        firstAt = System.nanoTime();
        firstCount = visible;
        cpuAtFirst = CpuSeconds.now();
      }
      System.err.printf("\r      %d/%d rows visible", visible, rows);
    }
    double rate = (visible - firstCount) / ((System.nanoTime() - firstAt) / 1e9);
    System.err.println();
    CpuSeconds cpuAfter = CpuSeconds.now();
    System.err.println("      CPU seconds: " + cpuAfter.minus(cpuBefore));
    System.err.println(
        "      of them, from the first row visible to the last: " + cpuAfter.minus(cpuAtFirst));
    runner.join();
    return rate;
  }

  static JobClient intake(
      FlinkMiniCluster flink,
      KafkaBroker kafka,
      ClickHouseServer clickHouse,
      String topic,
      String db,
      long checkpointMillis)
      throws Exception {
    String jdbcUrl = clickHouse.jdbcUrl(db);
    StreamExecutionEnvironment env = flink.environment(2);
    env.enableCheckpointing(checkpointMillis);
    EventIntakeJob.build(
        EventIntakeJob.raw(
            env,
            KafkaEndpoints.rawSource(kafka.bootstrapServers(), topic, "sink-bench-" + db, false),
            "viewer.events"),
        IntakeTables.viewerEvents(jdbcUrl),
        KafkaEndpoints.jsonSink(
            kafka.bootstrapServers(), "sink-bench.dlq", DeadLetter::sourceTopic, "sink-" + db),
        IntakeTables.deadLetters(jdbcUrl));
    return env.executeAsync("sink-bench-" + db);
  }

  static List<Long> latencies(
      KafkaBroker kafka, ClickHouseServer clickHouse, String topic, String db, int probes)
      throws Exception {
    Map<String, Long> sentAt = new HashMap<>();
    Map<String, Long> seenAt = new HashMap<>();
    Thread poller =
        new Thread(
            () -> {
              try {
                while (seenAt.size() < probes && !Thread.currentThread().isInterrupted()) {
                  String out =
                      clickHouse.query(
                          "SELECT event_id FROM "
                              + db
                              + ".viewer_events WHERE event_id LIKE 'probe-%'");
                  long now = System.currentTimeMillis();
                  synchronized (seenAt) {
                    out.lines().forEach(id -> seenAt.putIfAbsent(id, now));
                  }
                  Thread.sleep(20);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    poller.start();
    var props = new java.util.Properties();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    props.put("linger.ms", "0");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < probes; i++) {
        long now = System.currentTimeMillis();
        String id = "probe-" + i;
        synchronized (sentAt) {
          sentAt.put(id, now);
        }
        producer.send(new ProducerRecord<>(topic, id, Json.string(event(id, id, now))));
        Thread.sleep(50);
      }
    }
    poller.join(60_000);
    poller.interrupt();
    List<Long> out = new ArrayList<>();
    synchronized (seenAt) {
      for (var e : sentAt.entrySet()) {
        Long seen = seenAt.get(e.getKey());
        if (seen == null) {
          throw new IllegalStateException(e.getKey() + " never became visible");
        }
        out.add(seen - e.getValue());
      }
    }
    return out;
  }

  static long count(ClickHouseServer clickHouse, String db, String where) {
    return Long.parseLong(
        clickHouse.query("SELECT count() FROM " + db + ".viewer_events WHERE " + where).trim());
  }

  static ViewerEvent event(String id, String session, long t) {
    return new ViewerEvent(
        ViewerEvent.VERSION,
        id,
        ViewerEventType.HEARTBEAT,
        session,
        "viewer-" + session,
        "asset-" + (session.hashCode() & 31),
        "eu",
        "edge-eu",
        "web",
        t,
        12.5,
        3000L,
        8000L,
        12000L,
        false,
        false,
        false,
        null,
        null,
        null,
        null,
        null);
  }
}
