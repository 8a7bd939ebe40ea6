package dev.segmentflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.analytics.flink.RecommendationFunction;
import dev.segmentflow.analytics.recs.Recommendation;
import dev.segmentflow.analytics.recs.Recommender;
import dev.segmentflow.analytics.recs.RecommenderConfig;
import dev.segmentflow.analytics.recs.Title;
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
import dev.segmentflow.schemas.events.ViewerEventType;
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
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Viewing with planted tastes becomes player events (play request, heartbeat, end or silence), sent
 * out of order with malformed records, events after an end and views of a title missing from the
 * catalogue. The RecommendationJob is killed mid-stream and restores; ClickHouse must then hold
 * exactly the lists the plain-Java {@link Recommender} computes from the generated sessions, and
 * every dead letter once.
 */
@ExtendWith(RealServices.class)
class RecommendationJobRestoreTest {
  static final String EVENTS = "recs-test.viewer.events";
  static final String CATALOGUE = "recs-test.catalogue";
  static final Duration REFRESH = Duration.ofMinutes(1);
  static final long HEARTBEAT = 300_000;

  @Test
  void afterAKillAndRestoreClickHouseHoldsTheListsOfThePlainModel(
      KafkaBroker kafka, ClickHouseServer clickHouse, FlinkMiniCluster flink) throws Exception {
    long day = 86_400_000L;
    long start = (System.currentTimeMillis() - 10 * day) / day * day;
    TasteClusters world =
        new TasteClusters(
            new TasteClusters.Spec(5, 120, 6, 8, 30, 250, 4, 10, 0.8, start, 2 * day));
    Random r = new Random(9);

    // Player events per session; the truth is the session as generated.
    List<ViewerEvent> events = new ArrayList<>();
    List<WatchedSession> truthSessions = new ArrayList<>(world.sessions);
    int afterEnd = 0;
    for (WatchedSession s : world.sessions) {
      // A heartbeat every 5 minutes of playback; the job closes a silent session after 10.
      boolean silent = r.nextInt(5) == 0; // closed by the inactivity timeout instead
      List<ViewerEvent> session = WorldRecords.events(s, HEARTBEAT, silent);
      events.addAll(session);
      int seq = session.size() - 1;
      if (!silent && r.nextInt(20) == 0) {
        // Reported after the end: dead-lettered, and it must not stretch the view.
        events.add(
            WorldRecords.event(
                s,
                ViewerEventType.HEARTBEAT,
                s.endMillis() + 5_000,
                s.furthestSeconds() + 500,
                seq + 1));
        afterEnd++;
      }
    }
    // Views of a title nobody catalogued.
    int unknown = 3;
    for (int i = 0; i < unknown; i++) {
      WatchedSession s =
          new WatchedSession(
              "ghost-s" + i,
              "viewer-ghost",
              "title-ghost",
              "eu",
              600,
              start + i * 60_000,
              start + i * 60_000 + 600_000);
      events.add(WorldRecords.event(s, ViewerEventType.PLAY_REQUEST, s.startMillis(), 0.0, 0));
      events.add(WorldRecords.event(s, ViewerEventType.END, s.endMillis(), s.furthestSeconds(), 1));
    }

    // Out of order within 20 s; the job allows 30 s.
    TreeMap<Long, ViewerEvent> order = new TreeMap<>();
    for (ViewerEvent e : events) {
      long key = (e.eventTimeMillis() + r.nextInt(20_000)) * 1000;
      while (order.containsKey(key)) {
        key++;
      }
      order.put(key, e);
    }
    List<String> malformed = List.of("{\"schemaVersion\":1,\"type\":\"end\"}", "not json", "[1,2]");
    List<ProducerRecord<String, String>> out = new ArrayList<>();
    int i = 0;
    for (ViewerEvent e : order.values()) {
      out.add(new ProducerRecord<>(EVENTS, e.sessionId(), Json.string(e)));
      if (++i % 400 == 200) {
        out.add(new ProducerRecord<>(EVENTS, "bad", malformed.get(i / 400 % malformed.size())));
      }
    }
    int malformedSent = (int) out.stream().filter(p -> "bad".equals(p.key())).count();
    for (Title t : world.titles) {
      out.add(new ProducerRecord<>(CATALOGUE, t.assetId, Json.string(WorldRecords.entry(t))));
    }
    out.add(new ProducerRecord<>(CATALOGUE, "bad", "{\"schemaVersion\":1,\"assetId\":7}"));
    String dlq = "recs-test.dlq";
    TopicCreator.ensure(
        kafka.bootstrapServers(),
        List.of(
            new TopicSpec(EVENTS, 2, Duration.ofDays(7), "delete", "sessionId"),
            new TopicSpec(CATALOGUE, 1, null, "compact", "assetId"),
            new TopicSpec(dlq, 1, Duration.ofDays(7), "delete", "sourceTopic")),
        (short) 1);
    kafka.produce(out);

    RecommendationJob.Settings d = RecommendationJob.Settings.defaults();
    Expected truth = plainLists(world, truthSessions);
    TreeMap<String, String> expected = truth.rows();
    assertThat(truth.lists()).isGreaterThan(500);

    String db = "recs_killed";
    clickHouse.query("CREATE DATABASE IF NOT EXISTS " + db);
    String jdbcUrl = clickHouse.jdbcUrl(db);
    try (Connection c = ClickHouseJdbc.connect(jdbcUrl)) {
      ClickHouseMigrator.bundled().migrate(c);
    }
    StreamExecutionEnvironment env = PopularityJobRestoreTest.restartingEnvironment(flink);
    env.configure(RecommendationJob.heapState());
    PopularityJobRestoreTest.KillOnce.reset(out.size() / 2);
    EventTimeOptions time =
        new EventTimeOptions(
            Duration.ofSeconds(30),
            Duration.ofMinutes(5),
            Duration.ofMinutes(10),
            d.time().retention());
    DataStream<RawRecord> viewer =
        env.fromSource(
                KafkaEndpoints.rawSource(kafka.bootstrapServers(), EVENTS, "recs-killed", true),
                RecordTime.VIEWER_EVENT.watermarks(time),
                EVENTS)
            .map(new PopularityJobRestoreTest.KillOnce())
            .name("kill once");
    DataStream<RawRecord> catalogue =
        env.fromSource(
            KafkaEndpoints.rawSource(kafka.bootstrapServers(), CATALOGUE, "recs-killed", true),
            WatermarkStrategy.noWatermarks(),
            CATALOGUE);
    RecommendationJob.build(
        env,
        viewer,
        catalogue,
        new RecommendationJob.Settings(time, REFRESH, d.recommender(), EVENTS),
        new RecommendationJob.Sinks(
            RecommendationTables.lists(jdbcUrl),
            RecommendationTables.catalogue(jdbcUrl),
            KafkaEndpoints.jsonSink(
                kafka.bootstrapServers(), dlq, DeadLetter::sourceTopic, "recs-killed-dlq"),
            IntakeTables.deadLetters(jdbcUrl)));
    env.execute("recs-killed");
    assertThat(PopularityJobRestoreTest.KillOnce.FAILURES.get())
        .as("the job was killed and restored")
        .isEqualTo(1);

    TreeMap<String, String> actual = tableRows(clickHouse, db);
    // On a difference, name the rows that differ and the dead letters, not two maps of 2,500.
    TreeMap<String, String> differing = new TreeMap<>();
    for (String k : expected.keySet()) {
      if (!expected.get(k).equals(actual.get(k))) {
        differing.put(k, expected.get(k) + " != " + actual.get(k));
      }
    }
    actual.keySet().stream()
        .filter(k -> !expected.containsKey(k))
        .forEach(k -> differing.put(k, "unexpected " + actual.get(k)));
    String reasons =
        clickHouse
            .query(
                "SELECT reason, count() FROM "
                    + db
                    + ".dead_letters FINAL GROUP BY reason ORDER BY reason")
            .strip();
    assertThat(differing).as("rows unlike the plain model's; dead letters: " + reasons).isEmpty();
    assertThat(actual).hasSameSizeAs(expected);
    assertThat(clickHouse.query("SELECT count() FROM " + db + ".asset_catalogue FINAL").strip())
        .isEqualTo(Integer.toString(world.titles.size()));

    // Dead letters: malformed events and the bad catalogue entry, events after an end, unknown
    // titles; once each in the table and on the topic.
    assertThat(reasons).contains("INCONSISTENT\t" + (afterEnd + unknown));
    long letters =
        List.of(reasons.split("\n")).stream()
            .mapToLong(l -> Long.parseLong(l.split("\t")[1]))
            .sum();
    assertThat(afterEnd).isGreaterThan(0);
    assertThat(letters).isEqualTo(malformedSent + 1 + afterEnd + unknown);
    assertThat(kafka.readCommitted(dlq)).hasSize((int) letters);
  }

  /** The rows of {@code recommendation_lists}, as {@link #plainLists} gives them. */
  static TreeMap<String, String> tableRows(ClickHouseServer clickHouse, String db) {
    TreeMap<String, String> rows = new TreeMap<>();
    for (String line :
        clickHouse
            .query(
                "SELECT viewer_id, rank, asset_id, s, reason, toUnixTimestamp(computed_at) FROM "
                    + db
                    + ".recommendation_lists FINAL ARRAY JOIN asset_ids AS asset_id, scores AS s,"
                    + " reasons AS reason, arrayEnumerate(asset_ids) AS rank")
            .strip()
            .split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t");
      rows.put(
          f[0] + "#" + f[1],
          String.join(
              "|", f[2], Long.toString(Math.round(Double.parseDouble(f[3]) * 1e6)), f[4], f[5]));
    }
    return rows;
  }

  /** The plain model's rows (viewer#rank to row) and how many lists it computed. */
  record Expected(TreeMap<String, String> rows, int lists) {}

  /**
   * The truth: the plain model fed the generated sessions tick by tick; a viewer's rows are those
   * of their latest list (lists are replaced whole).
   */
  static Expected plainLists(TasteClusters world, List<WatchedSession> sessions) {
    RecommenderConfig config = RecommendationJob.Settings.defaults().recommender();
    Recommender plain = new Recommender();
    world.titles.forEach(plain::catalogue);
    TreeMap<Long, List<WatchedSession>> ticks = new TreeMap<>();
    for (WatchedSession s : sessions) {
      ticks
          .computeIfAbsent(
              RecommendationFunction.tickFor(s.endMillis(), REFRESH.toMillis()),
              k -> new ArrayList<>())
          .add(s);
    }
    TreeMap<String, String> expected = new TreeMap<>();
    int lists = 0;
    for (var tick : ticks.entrySet()) {
      TreeMap<String, String> refreshed = new TreeMap<>();
      for (WatchedSession s : tick.getValue()) { // already in (end, session) order
        if (plain.record(s, config) == Recommender.Outcome.VIEW) {
          refreshed.put(s.viewerId(), s.region());
        }
      }
      for (var v : refreshed.entrySet()) {
        lists++;
        expected.keySet().removeIf(k -> k.startsWith(v.getKey() + "#"));
        for (Recommendation rec :
            plain.recommend(v.getKey(), v.getValue(), tick.getKey(), config)) {
          expected.put(rec.viewerId() + "#" + rec.rank(), row(rec));
        }
      }
    }
    return new Expected(expected, lists);
  }

  static String row(Recommendation r) {
    return String.join(
        "|",
        r.assetId(),
        Long.toString(Math.round(r.score() * 1e6)),
        r.reason(),
        Long.toString(r.computedAtMillis() / 1000));
  }
}
