package dev.segmentflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.analytics.recs.WatchedSession;
import dev.segmentflow.analytics.sink.RecommendationTables;
import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.recs.sim.TasteClusters;
import dev.segmentflow.recs.sim.WorldRecords;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics.TopicSpec;
import dev.segmentflow.schemas.clickhouse.ClickHouseJdbc;
import dev.segmentflow.schemas.clickhouse.ClickHouseMigrator;
import dev.segmentflow.schemas.clickhouse.IntakeTables;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.flink.EventTimeOptions;
import dev.segmentflow.schemas.flink.KafkaEndpoints;
import dev.segmentflow.schemas.flink.RecordTime;
import dev.segmentflow.schemas.kafka.TopicCreator;
import dev.segmentflow.testkit.FlinkMiniCluster;
import dev.segmentflow.testkit.RealServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Catch-up after a pause, for the recommendation job: an hour of viewing on four partitions with
 * skewed shares (55/25/12/8), each partition in time order but written one whole partition after
 * another, session by session. The job reads the first 50 minutes, is stopped with a savepoint, the
 * last 10 minutes pile up, and it resumes from the savepoint with parallelism 1, so one source
 * reads all four partitions at their own pace. Per-partition watermarks must keep every valid event
 * from being LATE, and ClickHouse must end up with exactly the plain model's lists.
 */
@ExtendWith(RealServices.class)
class RecommendationJobCatchUpTest {
  static final String EVENTS = "recs-catchup.viewer.events";
  static final String CATALOGUE = "recs-catchup.catalogue";
  static final int[] SKEW = {55, 25, 12, 8};

  @Test
  void aResumedJobCatchesUpOnSkewedPartitionsWithoutLateEventsAndWritesThePlainLists(
      KafkaBroker kafka, ClickHouseServer clickHouse, FlinkMiniCluster flink) throws Exception {
    long hour = 3_600_000L;
    long start = (System.currentTimeMillis() - 30 * hour) / hour * hour;
    TasteClusters world =
        new TasteClusters(new TasteClusters.Spec(11, 80, 4, 6, 20, 120, 4, 8, 0.8, start, hour));
    long cut = start + 50 * 60_000L;

    // Each partition's events in time order; the partition is the session's skewed draw.
    List<List<ViewerEvent>> partitions = new ArrayList<>();
    for (int p = 0; p < SKEW.length; p++) {
      partitions.add(new ArrayList<>());
    }
    for (WatchedSession s : world.sessions) {
      partitions
          .get(skewed(s.sessionId()))
          .addAll(WorldRecords.events(s, RecommendationJobRestoreTest.HEARTBEAT, false));
    }
    partitions.forEach(l -> l.sort(Comparator.comparingLong(ViewerEvent::eventTimeMillis)));
    String dlq = "recs-catchup.dlq";
    TopicCreator.ensure(
        kafka.bootstrapServers(),
        List.of(
            new TopicSpec(EVENTS, SKEW.length, Duration.ofDays(7), "delete", "sessionId"),
            new TopicSpec(CATALOGUE, 1, null, "compact", "assetId"),
            new TopicSpec(dlq, 1, Duration.ofDays(7), "delete", "sourceTopic")),
        (short) 1);
    List<ProducerRecord<String, String>> catalogue = new ArrayList<>();
    world.titles.forEach(
        t ->
            catalogue.add(
                new ProducerRecord<>(CATALOGUE, t.assetId, Json.string(WorldRecords.entry(t)))));
    kafka.produce(catalogue);
    kafka.produce(partitionAfterPartition(partitions, Long.MIN_VALUE, cut));

    String db = "recs_catchup";
    clickHouse.query("CREATE DATABASE IF NOT EXISTS " + db);
    String jdbcUrl = clickHouse.jdbcUrl(db);
    try (Connection c = ClickHouseJdbc.connect(jdbcUrl)) {
      ClickHouseMigrator.bundled().migrate(c);
    }
    RecommendationJobRestoreTest.Expected truth =
        RecommendationJobRestoreTest.plainLists(world, world.sessions);
    assertThat(truth.lists()).isGreaterThan(50);

    // The first 50 minutes, at parallelism 2; then a savepoint once lists come out.
    Path savepoints = Files.createTempDirectory("recs-catchup");
    JobClient first = start(flink, kafka, jdbcUrl, dlq, 2, null);
    long deadline = System.currentTimeMillis() + 120_000;
    while (count(clickHouse, db + ".recommendation_lists") == 0) {
      assertThat(System.currentTimeMillis()).as("first lists").isLessThan(deadline);
      Thread.sleep(200);
    }
    String savepoint =
        first
            .stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
            .get();

    // The last 10 minutes pile up while it is stopped; it resumes with one source for all four.
    kafka.produce(partitionAfterPartition(partitions, cut, Long.MAX_VALUE));
    JobClient resumed = start(flink, kafka, jdbcUrl, dlq, 1, savepoint);
    // Lists of the last minutes come only with the drain, once every tick fires: wait until the
    // resumed source has read (and committed) every record, then drain.
    long[] produced = new long[SKEW.length];
    for (int p = 0; p < SKEW.length; p++) {
      produced[p] = partitions.get(p).size();
    }
    deadline = System.currentTimeMillis() + 120_000;
    while (!consumed(kafka, produced)) {
      assertThat(System.currentTimeMillis()).as("the backlog read").isLessThan(deadline);
      Thread.sleep(500);
    }
    resumed
        .stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
        .get();

    TreeMap<String, String> actual = RecommendationJobRestoreTest.tableRows(clickHouse, db);
    assertThat(
            clickHouse.query(
                "SELECT reason, field, any(detail), count() FROM "
                    + db
                    + ".dead_letters FINAL GROUP BY reason, field"))
        .as("no valid event LATE, nothing else dead-lettered")
        .isEmpty();
    TreeMap<String, String> differing = new TreeMap<>();
    truth
        .rows()
        .forEach(
            (k, v) -> {
              if (!v.equals(actual.get(k))) {
                differing.put(k, v + " != " + actual.get(k));
              }
            });
    actual.keySet().stream()
        .filter(k -> !truth.rows().containsKey(k))
        .forEach(k -> differing.put(k, "unexpected " + actual.get(k)));
    assertThat(differing).as("rows unlike the plain model's").isEmpty();
    assertThat(actual).hasSameSizeAs(truth.rows());
  }

  static JobClient start(
      FlinkMiniCluster flink,
      KafkaBroker kafka,
      String jdbcUrl,
      String dlq,
      int parallelism,
      String savepoint)
      throws Exception {
    StreamExecutionEnvironment env = flink.environment(parallelism);
    env.configure(RecommendationJob.heapState());
    env.enableCheckpointing(1_000);
    if (savepoint != null) {
      Configuration restore = new Configuration();
      restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
      env.configure(restore);
    }
    RecommendationJob.Settings d = RecommendationJob.Settings.defaults();
    // Idle after 5 s: the catalogue, read to its end, must stop holding event time back.
    EventTimeOptions time =
        new EventTimeOptions(
            Duration.ofSeconds(30),
            Duration.ofSeconds(5),
            Duration.ofMinutes(10),
            d.time().retention());
    RecommendationJob.build(
        env,
        env.fromSource(
            KafkaEndpoints.rawSource(kafka.bootstrapServers(), EVENTS, "recs-catchup", false),
            RecordTime.VIEWER_EVENT.watermarks(time),
            EVENTS),
        env.fromSource(
            KafkaEndpoints.rawSource(kafka.bootstrapServers(), CATALOGUE, "recs-catchup", false),
            WatermarkStrategy.noWatermarks(),
            CATALOGUE),
        new RecommendationJob.Settings(
            time, RecommendationJobRestoreTest.REFRESH, d.recommender(), EVENTS),
        new RecommendationJob.Sinks(
            RecommendationTables.lists(jdbcUrl),
            RecommendationTables.catalogue(jdbcUrl),
            KafkaEndpoints.jsonSink(
                kafka.bootstrapServers(), dlq, DeadLetter::sourceTopic, "recs-catchup-dlq"),
            IntakeTables.deadLetters(jdbcUrl)));
    return env.executeAsync("recs-catchup");
  }

  /** Events with time in [from, to): partition after partition, each in time order. */
  static List<ProducerRecord<String, String>> partitionAfterPartition(
      List<List<ViewerEvent>> partitions, long from, long to) {
    List<ProducerRecord<String, String>> out = new ArrayList<>();
    for (int p = 0; p < partitions.size(); p++) {
      for (ViewerEvent e : partitions.get(p)) {
        if (e.eventTimeMillis() >= from && e.eventTimeMillis() < to) {
          out.add(new ProducerRecord<>(EVENTS, p, e.sessionId(), Json.string(e)));
        }
      }
    }
    return out;
  }

  /** The partition of {@link #SKEW} a session lands on. */
  static int skewed(String key) {
    int draw = Math.floorMod(key.hashCode(), 100);
    int p = 0;
    for (int cumulative = SKEW[0]; draw >= cumulative; cumulative += SKEW[++p]) {}
    return p;
  }

  static long count(ClickHouseServer clickHouse, String table) {
    return Long.parseLong(clickHouse.query("SELECT count() FROM " + table).strip());
  }

  /** Whether the job's consumer group has committed every record of every partition. */
  static boolean consumed(KafkaBroker kafka, long[] produced) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets("recs-catchup").partitionsToOffsetAndMetadata().get();
      for (int p = 0; p < produced.length; p++) {
        OffsetAndMetadata o = committed.get(new TopicPartition(EVENTS, p));
        if (o == null || o.offset() < produced[p]) {
          return false;
        }
      }
      return true;
    }
  }
}
