package dev.segmentflow.bench;

import dev.segmentflow.jobs.EventIntakeJob;
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
import dev.segmentflow.testkit.FlinkMiniCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Rows per second the EventIntakeJob writes into ClickHouse (Kafka -> validate -> RowBinary sink),
 * against a hand loop that encodes the same rows in RowBinary and inserts them over HTTP in large
 * batches (nothing else: the limit of the server and the wire); then, with the job caught up, the
 * delay from an event's creation to its row being visible to a query, and how long checkpoints
 * take. Last line: {@code rows_per_s=<n> ratio=<job/hand loop> p95_ms=<n> checkpoint_ms=<n>}.
 */
public final class SinkBench {
  /** Rows per insert in the hand loop: the sink's own batch limit. */
  private static final int BATCH = 100_000;

  private static final String WARM_TOPIC = "sink-bench.warmup";

  private SinkBench() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int warm = Math.min(rows, 200_000);
    int probes = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    Path dir = Files.createTempDirectory("sink-bench");
    System.err.println("[1/5] starting Kafka, ClickHouse and a Flink MiniCluster");
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
      for (String db : List.of("by_job", "by_loop", "by_warmup")) {
        clickHouse.query("CREATE DATABASE IF NOT EXISTS " + db);
        try (Connection c = ClickHouseJdbc.connect(clickHouse.jdbcUrl(db))) {
          ClickHouseMigrator.bundled().migrate(c);
        }
      }
      long base = System.currentTimeMillis() - 3_600_000;
      List<ViewerEvent> events = new ArrayList<>(rows);
      for (int i = 0; i < rows; i++) {
        events.add(event("bulk-" + i, "s" + (i % 5000), base + i));
      }

      System.err.printf(
          "[2/5] hand loop: %d rows as RowBinary over HTTP, %d rows an insert%n", rows, BATCH);
      ClickHouseHttp byLoop = ClickHouseHttp.fromJdbcUrl(clickHouse.jdbcUrl("by_loop"));
      handLoop(byLoop, events); // warm-up: the same rows again are replaced, not added
      long loopStart = System.nanoTime();
      handLoop(byLoop, events);
      double loopRate = rows / ((System.nanoTime() - loopStart) / 1e9);
      System.err.printf("      %.0f rows/s%n", loopRate);

      System.err.printf("[3/5] writing %d events to Kafka (and %d to warm up on)%n", rows, warm);
      List<ProducerRecord<String, String>> records = new ArrayList<>(rows + warm);
      for (int i = 0; i < warm; i++) {
        ViewerEvent e = event("warm-" + i, "s" + (i % 5000), base + i);
        records.add(new ProducerRecord<>(WARM_TOPIC, e.sessionId(), Json.string(e)));
      }
      for (ViewerEvent e : events) {
        records.add(new ProducerRecord<>(topic, e.sessionId(), Json.string(e)));
      }
      kafka.produce(records);

      System.err.println("[4/5] EventIntakeJob (parallelism 2, checkpoint every second)");
      System.err.println("      warm-up run");
      intake(flink, kafka, clickHouse, WARM_TOPIC, "by_warmup", "warm-", warm).cancel().get();
      System.err.println("      measured run");
      long[] firstRow = new long[1];
      JobClient job;
      try (CpuProfile profile = CpuProfile.start()) {
        job = intake(flink, kafka, clickHouse, topic, "by_job", "bulk-", rows, firstRow);
      }
      double jobRate = rows / ((System.nanoTime() - firstRow[0]) / 1e9);
      System.err.printf("%n      %.0f rows/s from the first row to the last%n", jobRate);

      System.err.printf("[5/5] %d probe events at 20/s: creation to row visible%n", probes);
      List<Long> latencies = latencies(kafka, clickHouse, topic, probes);
      CheckpointFigures checkpoints =
          CheckpointFigures.of(flink.miniCluster().getRestAddress().get(), job.getJobID());
      System.err.printf("      %d checkpoints completed%n", checkpoints.count());
      job.cancel().get();
      latencies.sort(null);
      long p50 = latencies.get(latencies.size() / 2);
      long p95 = latencies.get((int) Math.ceil(0.95 * latencies.size()) - 1);
      System.out.printf(
          "hand loop (RowBinary, %d rows an insert): %.0f rows/s; job: %.0f rows/s%n",
          BATCH, loopRate, jobRate);
      System.out.printf(
          "event -> row visible: p50 %d ms, p95 %d ms, max %d ms over %d events%n",
          p50, p95, latencies.get(latencies.size() - 1), latencies.size());
      System.out.printf(
          "rows_per_s=%.0f ratio=%.3f p95_ms=%d checkpoint_ms=%d%n",
          jobRate, jobRate / loopRate, p95, checkpoints.p95DurationMillis());
    }
  }

  /** Encodes and inserts the rows in batches of {@link #BATCH}: nothing but the work itself. */
  static void handLoop(ClickHouseHttp clickHouse, List<ViewerEvent> events) throws Exception {
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

  static JobClient intake(
      FlinkMiniCluster flink,
      KafkaBroker kafka,
      ClickHouseServer clickHouse,
      String topic,
      String db,
      String idPrefix,
      int rows,
      long... firstRowNanos)
      throws Exception {
    String jdbcUrl = clickHouse.jdbcUrl(db);
    StreamExecutionEnvironment env = flink.environment(2);
    env.enableCheckpointing(1000);
    EventIntakeJob.build(
        EventIntakeJob.raw(
            env,
            KafkaEndpoints.rawSource(kafka.bootstrapServers(), topic, "sink-bench-" + db, false),
            "viewer.events"),
        IntakeTables.viewerEvents(jdbcUrl),
        KafkaEndpoints.jsonSink(
            kafka.bootstrapServers(), "sink-bench.dlq", DeadLetter::sourceTopic, "sink-" + db),
        IntakeTables.deadLetters(jdbcUrl));
    JobClient job = env.executeAsync("sink-bench-" + db);
    long visible = 0;
    while (visible < rows) {
      Thread.sleep(100);
      visible = count(clickHouse, db, "event_id LIKE '" + idPrefix + "%'");
      if (visible > 0 && firstRowNanos.length > 0 && firstRowNanos[0] == 0) {
        firstRowNanos[0] = System.nanoTime();
      }
      System.err.printf("\r      %d/%d rows visible", visible, rows);
    }
    System.err.println();
    return job;
  }

  static List<Long> latencies(
      KafkaBroker kafka, ClickHouseServer clickHouse, String topic, int probes) throws Exception {
    Map<String, Long> sentAt = new HashMap<>();
    Map<String, Long> seenAt = new HashMap<>();
    Thread poller =
        new Thread(
            () -> {
              try {
                while (seenAt.size() < probes && !Thread.currentThread().isInterrupted()) {
                  String out =
                      clickHouse.query(
                          "SELECT event_id FROM by_job.viewer_events WHERE event_id LIKE 'probe-%'");
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
