package dev.segmentflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.analytics.qoe.ExperienceScore;
import dev.segmentflow.analytics.qoe.SessionSummary;
import dev.segmentflow.analytics.sink.QoeTables;
import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics.TopicSpec;
import dev.segmentflow.schemas.clickhouse.ClickHouseJdbc;
import dev.segmentflow.schemas.clickhouse.ClickHouseMigrator;
import dev.segmentflow.schemas.clickhouse.IntakeTables;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.EdgeRequest;
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
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scripted playback sessions whose true play, stall, seek and startup times are known from the
 * script itself (not from the state machine), sent out of order within the bound, with redelivered
 * events, events after a session's end and malformed records. The QoeJob is killed mid-stream,
 * restores from its checkpoint, and ClickHouse must then hold exactly the scripted truth.
 */
@ExtendWith(RealServices.class)
class QoeJobRestoreTest {
  static final String TOPIC = "qoe-test.viewer.events";
  static final String EDGE_TOPIC = "qoe-test.edge.requests";
  static final long MIN = 60_000;
  static final List<String> REGIONS = List.of("eu", "us", "apac");

  /** What each session really did, by construction. */
  record Truth(
      String sessionId,
      Long startupMs,
      long playMs,
      long stallMs,
      long seekMs,
      int stalls,
      int switches,
      int recoverable,
      boolean failed,
      boolean exitBeforeStart,
      String endReason,
      int seeks,
      long restartMs,
      TreeMap<Long, Long> playMsByBitrate) {
    boolean videoStartFailure() {
      return failed && startupMs == null;
    }

    /** The industry columns, as the test's query prints them. */
    String industryRow() {
      List<String> bitrates = new ArrayList<>();
      List<String> millis = new ArrayList<>();
      playMsByBitrate.forEach(
          (kbps, ms) -> {
            bitrates.add(kbps.toString());
            millis.add(ms.toString());
          });
      double rebufferRatio = SessionSummary.rebufferRatio(playMs, stallMs);
      double perMinute = SessionSummary.perMinute(stalls, playMs);
      double avgKbps = 0;
      for (var e : playMsByBitrate.entrySet()) {
        avgKbps += (double) e.getKey() * e.getValue() / playMs;
      }
      Double score =
          ExperienceScore.of(
              startupMs,
              rebufferRatio,
              perMinute,
              avgKbps,
              videoStartFailure(),
              failed && !videoStartFailure(),
              exitBeforeStart);
      return String.join(
          "\t",
          sessionId,
          videoStartFailure() ? "1" : "0",
          failed && !videoStartFailure() ? "1" : "0",
          Integer.toString(seeks),
          Long.toString(restartMs),
          playMsByBitrate.isEmpty() ? "0" : playMsByBitrate.lastKey().toString(),
          "[" + String.join(",", bitrates) + "]",
          "[" + String.join(",", millis) + "]",
          score == null ? "\\N" : Long.toString(Math.round(score * 1000)));
    }

    String row() {
      return String.join(
          "\t",
          sessionId,
          startupMs == null ? "\\N" : startupMs.toString(),
          Long.toString(playMs),
          Long.toString(stallMs),
          Long.toString(seekMs),
          Integer.toString(stalls),
          Integer.toString(switches),
          Integer.toString(recoverable),
          failed ? "1" : "0",
          exitBeforeStart ? "1" : "0",
          endReason);
    }
  }

  /** A scripted stall: where, when it ended, how long, and the cause its evidence gives. */
  record StallFact(String region, long endMillis, long durationMs, String cause) {}

  static final List<Truth> truths = new ArrayList<>();
  static final List<StallFact> scriptedStalls = new ArrayList<>();
  static final List<EdgeRequest> requests = new ArrayList<>();
  static final List<ViewerEvent> accepted = new ArrayList<>();
  static int records;
  static int duplicatesSent;
  static int afterEndSent;
  static int malformedSent;

  /** Builds one session's events while keeping its true figures. */
  static final class Script {
    final String sid;
    final String region;
    final String edge;
    final String device;
    final String asset;
    final List<ViewerEvent> events = new ArrayList<>();
    long t;
    int n;
    long play;
    long stall;
    long seek;
    int stalls;
    int switches;
    int recoverable;
    int seeks;
    long restart;
    long bitrate = -1;
    final TreeMap<Long, Long> playMsByBitrate = new TreeMap<>();
    final List<EdgeRequest> requests = new ArrayList<>();
    final List<StallFact> stallFacts = new ArrayList<>();

    /**
     * A stall whose cause the script decides, with the evidence that makes it so: a slow origin
     * fetch for the segment it waits for (EDGE_MISS), the player's throughput below its bitrate
     * (LAST_MILE), or a fast link and no request seen (UNKNOWN).
     */
    void stall(long d, int cause) {
      long begin = t;
      emit(ViewerEventType.STALL_START, null, null);
      if (cause == 0) {
        // asked for a second before the stall, served half a second after it, almost all origin
        long latencyMs = 1_000 + d + 500;
        requests.add(
            segmentRequest(
                begin - 1_000, EdgeRequest.CacheStatus.MISS, latencyMs, latencyMs - 100));
      } else if (cause == 1) {
        // a quick hit long before: not what it waited for; the link is the player's own
        requests.add(segmentRequest(begin - 1_000, EdgeRequest.CacheStatus.HIT, 300, null));
      }
      t += d;
      stall += d;
      stalls++;
      stallFacts.add(
          new StallFact(region, t, d, List.of("EDGE_MISS", "LAST_MILE", "UNKNOWN").get(cause)));
      emit(ViewerEventType.STALL_END, null, null, cause == 1 ? bitrate / 2 : bitrate * 4);
    }

    EdgeRequest segmentRequest(
        long at, EdgeRequest.CacheStatus status, long latencyMs, Long originMs) {
      return QoeJobRestoreTest.segmentRequest(
          sid, edge, region, asset, 1, at, status, latencyMs, originMs);
    }

    Script(String sid, String region, String edge, String device, String asset, long start) {
      this.sid = sid;
      this.region = region;
      this.edge = edge;
      this.device = device;
      this.asset = asset;
      this.t = start;
    }

    ViewerEvent emit(ViewerEventType type, Long bitrate, Boolean fatal) {
      return emit(type, bitrate, fatal, null);
    }

    ViewerEvent emit(ViewerEventType type, Long bitrate, Boolean fatal, Long throughputKbps) {
      ViewerEvent e =
          new ViewerEvent(
              ViewerEvent.VERSION,
              sid + "-" + (n++),
              type,
              sid,
              "viewer-" + sid,
              asset,
              region,
              edge,
              device,
              t,
              null,
              bitrate,
              null,
              throughputKbps,
              null,
              null,
              fatal,
              null,
              null,
              null,
              null,
              null);
      events.add(e);
      if (bitrate != null) {
        this.bitrate = bitrate;
      }
      return e;
    }

    void playFor(long ms) {
      t += ms;
      play += ms;
      playMsByBitrate.merge(bitrate, ms, Long::sum);
    }
  }

  @BeforeAll
  static void produce(KafkaBroker kafka) throws Exception {
    Random r = new Random(7);
    long base = System.currentTimeMillis() - 48 * 3_600_000L;
    base -= base % MIN;
    List<ViewerEvent> sent = new ArrayList<>();
    for (int i = 0; i < 360; i++) {
      String region = REGIONS.get(i % 3);
      Script s =
          new Script(
              "s" + i,
              region,
              "edge-" + region + "-" + (i / 3 % 2),
              List.of("web", "tv", "mobile").get(r.nextInt(3)),
              "a" + r.nextInt(8),
              base + (long) (i * 2_500L) + r.nextInt(2000));
      truths.add(script(s, r));
      accepted.addAll(s.events);
      requests.addAll(s.requests);
      scriptedStalls.addAll(s.stallFacts);
      sent.addAll(s.events);
    }
    // Redeliveries (same event id) and events after a session's end
    List<ViewerEvent> extra = new ArrayList<>();
    for (ViewerEvent e : sent) {
      if (r.nextInt(100) < 3) {
        extra.add(e);
        duplicatesSent++;
      }
      if (e.type() == ViewerEventType.END && r.nextInt(100) < 10) {
        extra.add(
            new ViewerEvent(
                ViewerEvent.VERSION,
                e.sessionId() + "-after",
                ViewerEventType.HEARTBEAT,
                e.sessionId(),
                e.viewerId(),
                e.assetId(),
                e.region(),
                e.edgeId(),
                e.device(),
                e.eventTimeMillis() + 1500,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null));
        afterEndSent++;
      }
    }
    sent.addAll(extra);
    // Out of order within 20 s (the job allows 30 s): sort by time plus a random delay.
    TreeMap<Long, ViewerEvent> order = new TreeMap<>();
    for (ViewerEvent e : sent) {
      long key = (e.eventTimeMillis() + r.nextInt(20_000)) * 1000 + order.size() % 1000;
      while (order.containsKey(key)) {
        key++;
      }
      order.put(key, e);
    }
    TopicCreator.ensure(
        kafka.bootstrapServers(),
        List.of(
            new TopicSpec(TOPIC, 2, Duration.ofDays(7), "delete", "sessionId"),
            new TopicSpec(EDGE_TOPIC, 2, Duration.ofDays(7), "delete", "sessionId")),
        (short) 1);
    List<String> malformed =
        List.of(
            "{\"schemaVersion\":1,\"type\":\"play_request\"}",
            "not json",
            "{\"schemaVersion\":1,\"eventId\":\"x\",\"type\":\"teleport\",\"sessionId\":\"s1\","
                + "\"viewerId\":\"v\",\"assetId\":\"a0\",\"region\":\"eu\",\"eventTimeMillis\":1}");
    List<ProducerRecord<String, String>> out = new ArrayList<>();
    int i = 0;
    for (ViewerEvent e : order.values()) {
      out.add(new ProducerRecord<>(TOPIC, e.sessionId(), Json.string(e)));
      if (++i % 1000 == 500) {
        out.add(
            new ProducerRecord<>(TOPIC, "bad", malformed.get(malformedSent % malformed.size())));
        malformedSent++;
      }
    }
    kafka.produce(out);
    records = out.size();
    List<ProducerRecord<String, String>> logged = new ArrayList<>();
    requests.stream()
        .sorted(Comparator.comparingLong(EdgeRequest::requestTimeMillis))
        .forEach(q -> logged.add(new ProducerRecord<>(EDGE_TOPIC, q.sessionId(), Json.string(q))));
    kafka.produce(logged);
  }

  /** One session: the kind is drawn, the figures follow from the script. */
  static Truth script(Script s, Random r) {
    boolean apac = s.region.equals("apac"); // a region with a bad network: long stalls
    s.emit(ViewerEventType.PLAY_REQUEST, null, null);
    int kind = r.nextInt(100);
    long startup = 300 + r.nextInt(3500);
    if (kind < 6) { // leaves before the video starts
      s.t += startup;
      s.emit(ViewerEventType.END, null, null);
      return truth(s, null, true, false, "ended");
    }
    if (kind < 9) { // goes silent before the video starts
      return truth(s, null, true, false, "inactive");
    }
    if (kind < 12) { // fatal error before the first frame
      s.t += startup;
      s.emit(ViewerEventType.ERROR, null, true);
      return truth(s, null, false, true, "fatal_error");
    }
    long bitrate = List.of(400L, 800L, 1600L).get(r.nextInt(3));
    s.t += startup;
    s.emit(ViewerEventType.FIRST_FRAME, bitrate, null);
    int beats = 6 + r.nextInt(18);
    for (int b = 0; b < beats; b++) {
      int what = r.nextInt(100);
      if (what < (apac ? 30 : 4)) {
        s.playFor(1000 + r.nextInt(4000));
        s.stall(apac ? 2000 + r.nextInt(6000) : 300 + r.nextInt(1500), r.nextInt(3));
      } else if (what < 40) {
        s.playFor(1000 + r.nextInt(5000));
        s.emit(ViewerEventType.SEEK, null, null);
        s.playFor(100);
        s.emit(ViewerEventType.STALL_START, null, null);
        long d = 400 + r.nextInt(1500);
        s.t += d;
        s.seek += d;
        s.seeks++;
        s.restart += 100 + d; // from the seek to the end of its buffering
        s.emit(ViewerEventType.STALL_END, null, null);
      } else if (what < 50) {
        s.playFor(1000 + r.nextInt(5000));
        bitrate = bitrate == 800 ? 1600 : 800;
        s.emit(ViewerEventType.BITRATE_SWITCH, bitrate, null);
        s.switches++;
      } else if (what < 53) {
        s.playFor(1000 + r.nextInt(5000));
        s.emit(ViewerEventType.ERROR, null, false);
        s.recoverable++;
      }
      s.playFor(10_000);
      s.emit(ViewerEventType.HEARTBEAT, bitrate, null);
    }
    if (kind < 16) {
      s.playFor(2000);
      s.emit(ViewerEventType.ERROR, null, true);
      return truth(s, startup, false, true, "fatal_error");
    }
    if (kind < 28) { // no end: closed by the inactivity timeout at the last heartbeat
      return truth(s, startup, false, false, "inactive");
    }
    s.playFor(3000);
    s.emit(ViewerEventType.END, null, null);
    return truth(s, startup, false, false, "ended");
  }

  /** A 1 MB 720p segment request in a session's access log, with its timing at the edge. */
  static EdgeRequest segmentRequest(
      String sid,
      String edge,
      String region,
      String asset,
      int segment,
      long at,
      EdgeRequest.CacheStatus status,
      long latencyMs,
      Long originMs) {
    return new EdgeRequest(
        EdgeRequest.VERSION,
        "r-" + sid + "-" + at,
        edge,
        region,
        "GET",
        String.format(java.util.Locale.ROOT, "/hls/%s/720p/%06d.ts", asset, segment),
        asset,
        "720p",
        segment,
        EdgeRequest.ObjectType.SEGMENT,
        200,
        status,
        1_000_000L,
        latencyMs * 1000,
        originMs == null ? null : originMs * 1000,
        sid,
        at);
  }

  static long stall() {
    return truths.stream().mapToLong(Truth::stallMs).sum();
  }

  static Truth truth(Script s, Long startup, boolean exit, boolean failed, String reason) {
    return new Truth(
        s.sid,
        startup,
        s.play,
        s.stall,
        s.seek,
        s.stalls,
        s.switches,
        s.recoverable,
        failed,
        exit,
        reason,
        s.seeks,
        s.restart,
        s.playMsByBitrate);
  }

  @Test
  void afterAKillAndRestoreClickHouseHoldsExactlyTheScriptedTruth(
      KafkaBroker kafka, ClickHouseServer clickHouse, FlinkMiniCluster flink) throws Exception {
    String db = "qoe_killed";
    clickHouse.query("CREATE DATABASE IF NOT EXISTS " + db);
    String jdbcUrl = clickHouse.jdbcUrl(db);
    try (Connection c = ClickHouseJdbc.connect(jdbcUrl)) {
      ClickHouseMigrator.bundled().migrate(c);
    }
    String dlq = "qoe-test.dlq";
    TopicCreator.ensure(
        kafka.bootstrapServers(),
        List.of(new TopicSpec(dlq, 1, Duration.ofDays(7), "delete", "sourceTopic")),
        (short) 1);

    StreamExecutionEnvironment env = PopularityJobRestoreTest.restartingEnvironment(flink);
    PopularityJobRestoreTest.KillOnce.reset(records / 2);
    QoeJob.Settings d = QoeJob.Settings.defaults();
    EventTimeOptions time =
        new EventTimeOptions(
            Duration.ofSeconds(30),
            Duration.ofMinutes(5),
            Duration.ofMinutes(2),
            d.time().retention());
    DataStream<RawRecord> events =
        env.fromSource(
                KafkaEndpoints.rawSource(kafka.bootstrapServers(), TOPIC, "qoe-killed", true),
                RecordTime.VIEWER_EVENT.watermarks(time),
                TOPIC)
            .map(new PopularityJobRestoreTest.KillOnce())
            .name("kill once");
    DataStream<RawRecord> edgeLog =
        env.fromSource(
            KafkaEndpoints.rawSource(kafka.bootstrapServers(), EDGE_TOPIC, "qoe-killed", true),
            RecordTime.EDGE_REQUEST.watermarks(time),
            EDGE_TOPIC);
    QoeJob.build(
        env,
        events,
        edgeLog,
        new QoeJob.Settings(time, d.thresholds(), TOPIC),
        new QoeJob.Sinks(
            QoeTables.sessions(jdbcUrl),
            QoeTables.minutes(jdbcUrl),
            QoeTables.alerts(jdbcUrl),
            QoeTables.stallCauses(jdbcUrl),
            KafkaEndpoints.jsonSink(
                kafka.bootstrapServers(), dlq, DeadLetter::sourceTopic, "qoe-killed-dlq"),
            IntakeTables.deadLetters(jdbcUrl)));
    env.execute("qoe-killed");
    assertThat(PopularityJobRestoreTest.KillOnce.FAILURES.get())
        .as("the job was killed and restored")
        .isEqualTo(1);

    // Every session, field by field, equals its script.
    List<String> expected =
        truths.stream().sorted(Comparator.comparing(Truth::sessionId)).map(Truth::row).toList();
    List<String> rows =
        List.of(
            clickHouse
                .query(
                    "SELECT session_id, startup_ms, play_ms, stall_ms, seek_ms, stall_count,"
                        + " bitrate_switches, recoverable_errors, failed, exit_before_start,"
                        + " end_reason FROM "
                        + db
                        + ".qoe_sessions FINAL ORDER BY session_id")
                .strip()
                .split("\n"));
    assertThat(rows).isEqualTo(expected);

    // The industry metrics and the score, from the same scripted figures.
    assertThat(
            List.of(
                clickHouse
                    .query(
                        "SELECT session_id, video_start_failure, playback_failure, seek_count,"
                            + " round(ifNull(video_restart_ms, 0) * seek_count),"
                            + " peak_bitrate_kbps, bitrates_kbps, bitrate_play_ms,"
                            + " round(experience_score * 1000) FROM "
                            + db
                            + ".qoe_sessions FINAL ORDER BY session_id")
                    .strip()
                    .split("\n")))
        .isEqualTo(
            truths.stream()
                .sorted(Comparator.comparing(Truth::sessionId))
                .map(Truth::industryRow)
                .toList());

    // Every wait exactly once: a startup per started session, each seek's buffering, and each
    // stall with the cause its scripted evidence gives.
    long startups = truths.stream().filter(t -> t.startupMs() != null).count();
    long startupMs =
        truths.stream().filter(t -> t.startupMs() != null).mapToLong(Truth::startupMs).sum();
    long seekCount = truths.stream().mapToLong(Truth::seeks).sum();
    List<String> waits = new ArrayList<>();
    waits.add("SEEK\tSEEK\t" + seekCount + "\t" + truths.stream().mapToLong(Truth::seekMs).sum());
    new TreeMap<>(
            scriptedStalls.stream()
                .collect(
                    java.util.stream.Collectors.groupingBy(
                        StallFact::cause, java.util.stream.Collectors.toList())))
        .forEach(
            (cause, stalls) ->
                waits.add(
                    "STALL\t"
                        + cause
                        + "\t"
                        + stalls.size()
                        + "\t"
                        + stalls.stream().mapToLong(StallFact::durationMs).sum()));
    waits.add("STARTUP\tSTARTUP\t" + startups + "\t" + startupMs);
    assertThat(scriptedStalls.stream().map(StallFact::cause).distinct())
        .as("the script stalls for every cause")
        .hasSize(3);
    assertThat(
            clickHouse
                .query(
                    "SELECT kind, cause, count(), sum(duration_ms) FROM "
                        + db
                        + ".qoe_stall_causes FINAL GROUP BY kind, cause ORDER BY kind, cause")
                .strip())
        .isEqualTo(String.join("\n", waits));

    // Minutes add up to the same totals, and count each session once per minute it was active.
    long play = truths.stream().mapToLong(Truth::playMs).sum();
    long stall = truths.stream().mapToLong(Truth::stallMs).sum();
    long failures = truths.stream().filter(Truth::failed).count();
    long exits = truths.stream().filter(Truth::exitBeforeStart).count();
    long switches = truths.stream().mapToLong(Truth::switches).sum();
    Set<String> sessionMinutes = new HashSet<>();
    for (ViewerEvent e : accepted) {
      sessionMinutes.add(e.sessionId() + "@" + e.eventTimeMillis() / MIN);
    }
    assertThat(
            clickHouse
                .query(
                    "SELECT sum(play_ms), sum(stall_ms), sum(failures), sum(exits_before_start),"
                        + " sum(bitrate_switches), sum(sessions), sum(restarts), sum(restart_ms)"
                        + " FROM "
                        + db
                        + ".qoe_minute FINAL")
                .strip())
        .isEqualTo(
            String.join(
                "\t",
                Long.toString(play),
                Long.toString(stall),
                Long.toString(failures),
                Long.toString(exits),
                Long.toString(switches),
                Integer.toString(sessionMinutes.size()),
                Long.toString(truths.stream().mapToLong(Truth::seeks).sum()),
                Long.toString(truths.stream().mapToLong(Truth::restartMs).sum())));

    // The stalling region is graded down for its rebuffer ratio; the others are not.
    String alerts =
        clickHouse.query(
            "SELECT scope, count() FROM "
                + db
                + ".qoe_alerts FINAL WHERE scope_type = 'region' AND metric = 'rebuffer_ratio'"
                + " GROUP BY scope ORDER BY scope");
    assertThat(alerts.strip()).startsWith("apac\t").doesNotContain("eu\t").doesNotContain("us\t");
    // Each region alert names the cause of most of that region's stall time in its minute.
    List<String> alertCauses = new ArrayList<>();
    for (String line :
        clickHouse
            .query(
                "SELECT scope, toUnixTimestamp(minute), dominant_cause, cause_share FROM "
                    + db
                    + ".qoe_alerts FINAL WHERE scope_type = 'region' AND metric = 'rebuffer_ratio'"
                    + " ORDER BY scope, minute")
            .strip()
            .split("\n")) {
      String[] f = line.split("\t");
      long minute = Long.parseLong(f[1]) * 1000;
      TreeMap<String, Long> byCause = new TreeMap<>();
      scriptedStalls.stream()
          .filter(x -> x.region().equals(f[0]) && x.endMillis() / MIN * MIN == minute)
          .forEach(x -> byCause.merge(x.cause(), x.durationMs(), Long::sum));
      String dominant = "";
      long most = 0;
      long total = 0;
      for (var e : byCause.entrySet()) {
        total += e.getValue();
        if (e.getValue() > most) {
          dominant = e.getKey();
          most = e.getValue();
        }
      }
      assertThat(f[2] + " " + Math.round(Double.parseDouble(f[3]) * 1e6))
          .as("alert for %s at %s", f[0], f[1])
          .isEqualTo(dominant + " " + Math.round((double) most / total * 1e6));
      alertCauses.add(dominant);
    }
    assertThat(alertCauses).as("alerts were checked").isNotEmpty();

    // Dead letters: every malformed record and every event after an end, once each.
    assertThat(malformedSent).isGreaterThan(0);
    assertThat(afterEndSent).isGreaterThan(0);
    assertThat(duplicatesSent).isGreaterThan(0);
    assertThat(
            clickHouse
                .query(
                    "SELECT reason, count() FROM "
                        + db
                        + ".dead_letters FINAL GROUP BY reason ORDER BY reason")
                .strip())
        .isEqualTo("INCONSISTENT\t" + afterEndSent + "\n" + reasonsOfMalformed());
    assertThat(kafka.readCommitted(dlq)).hasSize(malformedSent + afterEndSent);
  }

  /**
   * What the validator says of the three malformed shapes, in reason order, as ClickHouse prints.
   */
  static String reasonsOfMalformed() {
    TreeMap<String, Integer> byReason = new TreeMap<>();
    String[] reasons = {"MISSING_FIELD", "MALFORMED_JSON", "UNKNOWN_ENUM_VALUE"};
    for (int i = 0; i < malformedSent; i++) {
      byReason.merge(reasons[i % 3], 1, Integer::sum);
    }
    StringBuilder b = new StringBuilder();
    byReason.forEach((k, v) -> b.append(k).append('\t').append(v).append('\n'));
    return b.toString().strip();
  }
}
