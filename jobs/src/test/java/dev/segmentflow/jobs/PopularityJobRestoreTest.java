package dev.segmentflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.cache.flink.PopularityTables;
import dev.segmentflow.cache.policy.TraceRequest;
import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.popularity.PopularityLoop;
import dev.segmentflow.cache.workload.TraceEvents;
import dev.segmentflow.cache.workload.VideoWorkload;
import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics.TopicSpec;
import dev.segmentflow.schemas.clickhouse.ClickHouseJdbc;
import dev.segmentflow.schemas.clickhouse.ClickHouseMigrator;
import dev.segmentflow.schemas.clickhouse.IntakeTables;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.Directive;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.flink.EventTimeOptions;
import dev.segmentflow.schemas.flink.KafkaEndpoints;
import dev.segmentflow.schemas.flink.RawRecord;
import dev.segmentflow.schemas.flink.RecordTime;
import dev.segmentflow.schemas.kafka.TopicCreator;
import dev.segmentflow.testkit.FlinkMiniCluster;
import dev.segmentflow.testkit.RealServices;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Generated viewing (edge requests and play requests, with malformed records mixed in) goes through
 * the real broker into the PopularityJob on RocksDB. One run is killed mid-stream after a
 * checkpoint and restores; its directives (Kafka, read committed, and ClickHouse) must equal those
 * of an uninterrupted run, and both must equal the plain-Java loop over the same input.
 */
@ExtendWith(RealServices.class)
class PopularityJobRestoreTest {
  static final String EDGE = "popularity-test.edge.requests";
  static final String VIEWER = "popularity-test.viewer.events";
  static final long HOURS = 3_600_000L;
  static final EventTimeOptions TIME =
      new EventTimeOptions(
          Duration.ofSeconds(30),
          Duration.ofMinutes(5),
          EventTimeOptions.defaults().inactivity(),
          EventTimeOptions.defaults().retention());
  static final PopularityConfig CONFIG =
      PopularityConfig.defaults()
          .withHalfLife(Duration.ofMinutes(30))
          .withFastHalfLife(Duration.ofMinutes(10))
          .withTick(Duration.ofMinutes(5))
          .withThresholdScale(0.0003);

  static List<EdgeRequest> requests = new ArrayList<>();
  static List<ViewerEvent> plays = new ArrayList<>();
  static List<String> malformedEdge = List.of("{\"schemaVersion\":1,", "[]");
  static List<String> malformedViewer = List.of("not json at all", "{\"schemaVersion\":9}");
  static int malformedSent;

  @BeforeAll
  static void produce(KafkaBroker kafka) throws Exception {
    // Two hours of a small workload, starting two days ago (event time, nowhere near the clock).
    VideoWorkload workload = new VideoWorkload(VideoWorkload.Spec.standard(11).sized(30, 1500));
    long base = System.currentTimeMillis() - 48 * HOURS;
    base -= base % CONFIG.tickMillis();
    Set<String> started = new HashSet<>();
    for (TraceRequest r : workload.generate()) {
      if (r.timeMillis() >= 2 * HOURS) {
        break;
      }
      long t = base + r.timeMillis();
      if (started.add(r.sessionId())) {
        plays.add(TraceEvents.play(r, t - 500));
      }
      requests.add(TraceEvents.edgeRequest(r, base));
    }
    TopicCreator.ensure(
        kafka.bootstrapServers(),
        List.of(
            new TopicSpec(EDGE, 2, Duration.ofDays(7), "delete", "sessionId"),
            new TopicSpec(VIEWER, 2, Duration.ofDays(7), "delete", "sessionId")),
        (short) 1);
    List<ProducerRecord<String, String>> out = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      EdgeRequest r = requests.get(i);
      out.add(new ProducerRecord<>(EDGE, r.sessionId(), Json.string(r)));
      if (i % 2000 == 1000) {
        out.add(new ProducerRecord<>(EDGE, "bad", malformedEdge.get(i / 2000 % 2)));
        malformedSent++;
      }
    }
    for (ViewerEvent e : plays) {
      out.add(new ProducerRecord<>(VIEWER, e.sessionId(), Json.string(e)));
    }
    for (String bad : malformedViewer) {
      out.add(new ProducerRecord<>(VIEWER, "bad", bad));
      malformedSent++;
    }
    kafka.produce(out);
  }

  @Test
  void directivesAfterAKillAndRestoreEqualThoseOfAnUninterruptedRun(
      KafkaBroker kafka, ClickHouseServer clickHouse, FlinkMiniCluster flink) throws Exception {
    PopularityLoop.Collected truth = PopularityLoop.replay(CONFIG, requests, plays);
    List<Directive> expected = sorted(truth.directives);
    // The input must exercise every kind of directive, or the comparison proves little.
    assertThat(expected).extracting(Directive::kind).contains(Directive.Kind.values());

    Run clean = run("clean", kafka, clickHouse, flink, -1);
    Run killed = run("killed", kafka, clickHouse, flink, requests.size() / 3);
    assertThat(killed.failures).as("the job was killed and restored").isEqualTo(1);

    assertThat(clean.topic).isEqualTo(expected);
    assertThat(killed.topic).isEqualTo(expected);
    assertThat(killed.table).isEqualTo(clean.table).hasSize(expected.size());
    assertThat(killed.rows).isEqualTo(clean.rows).isEqualTo(Integer.toString(truth.rows.size()));
    // Malformed input is dead-lettered once each, on both runs.
    assertThat(malformedSent).isGreaterThan(2);
    assertThat(killed.deadLetters).isEqualTo(malformedSent);
    assertThat(clean.deadLetters).isEqualTo(malformedSent);
  }

  record Run(
      List<Directive> topic, List<String> table, String rows, int deadLetters, long failures) {}

  static Run run(
      String name,
      KafkaBroker kafka,
      ClickHouseServer clickHouse,
      FlinkMiniCluster flink,
      long failAfter)
      throws Exception {
    String db = "popularity_" + name;
    clickHouse.query("CREATE DATABASE IF NOT EXISTS " + db);
    String jdbcUrl = clickHouse.jdbcUrl(db);
    try (Connection c = ClickHouseJdbc.connect(jdbcUrl)) {
      ClickHouseMigrator.bundled().migrate(c);
    }
    String directives = "popularity-test." + name + ".directives";
    String dlq = "popularity-test." + name + ".dlq";
    TopicCreator.ensure(
        kafka.bootstrapServers(),
        List.of(
            new TopicSpec(directives, 2, Duration.ofDays(7), "delete", "asset"),
            new TopicSpec(dlq, 1, Duration.ofDays(7), "delete", "sourceTopic")),
        (short) 1);

    StreamExecutionEnvironment env = restartingEnvironment(flink);
    KillOnce.reset(failAfter);
    DataStream<RawRecord> edge =
        env.fromSource(
                KafkaEndpoints.rawSource(kafka.bootstrapServers(), EDGE, "pop-" + name, true),
                RecordTime.EDGE_REQUEST.watermarks(TIME),
                EDGE)
            .map(new KillOnce())
            .name("kill once");
    DataStream<RawRecord> viewer =
        env.fromSource(
            KafkaEndpoints.rawSource(kafka.bootstrapServers(), VIEWER, "pop-" + name, true),
            RecordTime.VIEWER_EVENT.watermarks(TIME),
            VIEWER);
    PopularityJob.build(
        env,
        edge,
        viewer,
        CONFIG,
        new PopularityJob.Sinks(
            KafkaEndpoints.jsonSink(
                kafka.bootstrapServers(),
                directives,
                (Directive d) -> d.assetId(),
                "pop-" + name + "-directives"),
            PopularityTables.directives(jdbcUrl),
            PopularityTables.popularity(jdbcUrl),
            KafkaEndpoints.jsonSink(
                kafka.bootstrapServers(), dlq, DeadLetter::sourceTopic, "pop-" + name + "-dlq"),
            IntakeTables.deadLetters(jdbcUrl)));
    env.execute("popularity-" + name);

    List<Directive> topic = new ArrayList<>();
    for (byte[] v : kafka.readCommitted(directives)) {
      topic.add(Json.read(v, Directive.class));
    }
    List<String> table =
        List.of(
            clickHouse
                .query(
                    "SELECT directive_id, kind, scope, asset_id, renditions, segment_from,"
                        + " segment_to, ttl_s, temperature, score, issued_at FROM "
                        + db
                        + ".cdn_directives FINAL ORDER BY directive_id")
                .split("\n"));
    String rows = clickHouse.query("SELECT count() FROM " + db + ".popularity FINAL").trim();
    int letters = kafka.readCommitted(dlq).size();
    String tableLetters =
        clickHouse.query("SELECT count() FROM " + db + ".dead_letters FINAL").trim();
    assertThat(tableLetters).isEqualTo(Integer.toString(letters));
    return new Run(sorted(topic), table, rows, letters, KillOnce.FAILURES.get());
  }

  /**
   * Parallelism 2 on RocksDB, a checkpoint every 300 ms, and restarts (from the last checkpoint)
   * after a failure such as {@link KillOnce}'s.
   */
  static StreamExecutionEnvironment restartingEnvironment(FlinkMiniCluster flink) {
    Configuration conf = PopularityJob.rocksDb();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    StreamExecutionEnvironment env = flink.environment(2);
    env.configure(conf);
    env.enableCheckpointing(300);
    return env;
  }

  static List<Directive> sorted(List<Directive> in) {
    List<Directive> out = new ArrayList<>(in);
    out.sort(Comparator.comparing(Directive::directiveId));
    return out;
  }

  /**
   * Throws once, after a checkpoint has completed and {@code failAfter} records went by: the task
   * fails, the job restarts from that checkpoint. Until then it slows the input down so that the
   * kill lands mid-stream and not after the last record.
   */
  static final class KillOnce implements MapFunction<RawRecord, RawRecord>, CheckpointListener {
    static final AtomicLong FAIL_AFTER = new AtomicLong(-1);
    static final AtomicLong SEEN = new AtomicLong();
    static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
    static final AtomicLong FAILURES = new AtomicLong();

    static void reset(long failAfter) {
      FAIL_AFTER.set(failAfter);
      SEEN.set(0);
      CHECKPOINTED.set(false);
      FAILURES.set(0);
    }

    @Override
    public RawRecord map(RawRecord r) throws Exception {
      if (FAIL_AFTER.get() >= 0 && FAILURES.get() == 0) {
        // compareAndSet: both parallel subtasks can get here at once, and only one may kill.
        if (SEEN.incrementAndGet() >= FAIL_AFTER.get()
            && CHECKPOINTED.get()
            && FAILURES.compareAndSet(0, 1)) {
          throw new IllegalStateException("killed mid-stream by the test");
        }
        Thread.sleep(1);
      }
      return r;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      CHECKPOINTED.set(true);
    }
  }
}
