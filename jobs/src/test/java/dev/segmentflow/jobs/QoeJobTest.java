package dev.segmentflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.analytics.qoe.QoeAlert;
import dev.segmentflow.analytics.qoe.QoeMinute;
import dev.segmentflow.analytics.qoe.SessionSummary;
import dev.segmentflow.analytics.qoe.StallCause;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import dev.segmentflow.schemas.flink.EventTimeOptions;
import dev.segmentflow.schemas.flink.RecordTime;
import dev.segmentflow.schemas.validation.ReasonCode;
import dev.segmentflow.testkit.CollectingSink;
import dev.segmentflow.testkit.FlinkMiniCluster;
import dev.segmentflow.testkit.RealServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The QoE job's logic on in-memory input and sinks: scripted sessions whose figures are known by
 * construction, sent out of order within the bound, come out as exactly those sessions.
 */
@ExtendWith(RealServices.class)
class QoeJobTest {

  static String row(SessionSummary s) {
    return String.join(
        "\t",
        s.sessionId(),
        s.startupMs() == null ? "\\N" : s.startupMs().toString(),
        Long.toString(s.playMs()),
        Long.toString(s.stallMs()),
        Long.toString(s.seekMs()),
        Integer.toString(s.stallCount()),
        Integer.toString(s.bitrateSwitches()),
        Integer.toString(s.recoverableErrors()),
        s.failed() ? "1" : "0",
        s.exitBeforeStart() ? "1" : "0",
        s.endReason());
  }

  @Test
  void scriptedSessionsComeOutWithTheirScriptedFigures(FlinkMiniCluster flink) throws Exception {
    Random r = new Random(3);
    long base = System.currentTimeMillis() - 48 * 3_600_000L;
    base -= base % 60_000;
    List<String> expected = new ArrayList<>();
    List<ViewerEvent> events = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      String region = QoeJobRestoreTest.REGIONS.get(i % 3);
      var s =
          new QoeJobRestoreTest.Script(
              "s" + i, region, "edge-" + region, "web", "a" + r.nextInt(4), base + i * 3_000L);
      expected.add(QoeJobRestoreTest.script(s, r).row());
      events.addAll(s.events);
    }
    // Out of order within 20 s (the job allows 30 s).
    TreeMap<Long, ViewerEvent> order = new TreeMap<>();
    for (ViewerEvent e : events) {
      order.put((e.eventTimeMillis() + r.nextInt(20_000)) * 10_000 + order.size(), e);
    }
    // A redelivery, right behind the original (within the bound): counted once. One sent after
    // everything else would be behind the watermark, LATE, once a periodic watermark went out.
    ViewerEvent again = events.get(5);
    long originalKey =
        order.entrySet().stream()
            .filter(x -> x.getValue() == again)
            .findFirst()
            .orElseThrow()
            .getKey();
    order.put(originalKey + 1, again);
    InMemoryInput input = new InMemoryInput("viewer.events");
    order.values().forEach(input::add);
    input.addRaw("{\"schemaVersion\":1,\"type\":\"play_request\"}");

    StreamExecutionEnvironment env = flink.environment(2);
    EventTimeOptions time =
        new EventTimeOptions(
            Duration.ofSeconds(30),
            Duration.ofMinutes(5),
            Duration.ofMinutes(2),
            Duration.ofMinutes(30));
    CollectingSink<SessionSummary> sessions = new CollectingSink<>();
    CollectingSink<QoeMinute> minutes = new CollectingSink<>();
    CollectingSink<QoeAlert> alerts = new CollectingSink<>();
    CollectingSink<DeadLetter> letters = new CollectingSink<>();
    QoeJob.build(
        env,
        input.timed(env, RecordTime.VIEWER_EVENT, time),
        new InMemoryInput("edge.requests").timed(env, RecordTime.EDGE_REQUEST, time),
        new QoeJob.Settings(time, QoeJob.Settings.defaults().thresholds(), "viewer.events"),
        new QoeJob.Sinks(
            sessions, minutes, alerts, new CollectingSink<>(), letters, new CollectingSink<>()));
    env.execute("qoe-fast");

    assertThat(sessions.values().stream().map(QoeJobTest::row).toList())
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(letters.values())
        .extracting(DeadLetter::reason)
        .containsExactly(ReasonCode.MISSING_FIELD);
    long sessionsInMinutes = minutes.values().stream().mapToLong(QoeMinute::sessions).sum();
    assertThat(sessionsInMinutes).as("every session is in some minute").isPositive();
  }

  @Test
  void eachWaitIsPutDownToTheEdgeTheLastMileOrWhatThePlayerWasDoing(FlinkMiniCluster flink)
      throws Exception {
    long t0 = System.currentTimeMillis() - 3_600_000L;
    InMemoryInput viewer = new InMemoryInput("viewer.events");
    InMemoryInput edge = new InMemoryInput("edge.requests");
    // slow origin: the player's link is fast, the segment it waited for was a 4.5 s origin fetch
    waitingSession(viewer, "s-origin", t0, 8_000L);
    edge.add(
        segmentRequest("s-origin", t0 + 18_000, 4, EdgeRequest.CacheStatus.MISS, 4_800, 4_500L));
    // bad last mile: the player measured 900 kbps for a 2000 kbps rendition; the edge hit at once
    waitingSession(viewer, "s-link", t0, 900L);
    edge.add(segmentRequest("s-link", t0 + 18_000, 4, EdgeRequest.CacheStatus.HIT, 6_000, null));
    // neither: a fast hit and a fast link
    waitingSession(viewer, "s-fine", t0, 8_000L);
    edge.add(segmentRequest("s-fine", t0 + 18_000, 4, EdgeRequest.CacheStatus.HIT, 40, null));
    // a request the player did not wait for (done long before the stall) is no evidence
    edge.add(segmentRequest("s-fine", t0 + 2_000, 0, EdgeRequest.CacheStatus.MISS, 3_000, 2_900L));

    StreamExecutionEnvironment env = flink.environment(2);
    EventTimeOptions time = EventTimeOptions.defaults();
    CollectingSink<StallCause> causes = new CollectingSink<>();
    QoeJob.build(
        env,
        viewer.timed(env, RecordTime.VIEWER_EVENT, time),
        edge.timed(env, RecordTime.EDGE_REQUEST, time),
        new QoeJob.Settings(time, QoeJob.Settings.defaults().thresholds(), "viewer.events"),
        new QoeJob.Sinks(
            new CollectingSink<>(),
            new CollectingSink<>(),
            new CollectingSink<>(),
            causes,
            new CollectingSink<>(),
            new CollectingSink<>()));
    env.execute("qoe-stall-causes");

    assertThat(
            causes.values().stream()
                .map(
                    c ->
                        c.sessionId() + " " + c.kind() + " " + c.durationMillis() + " " + c.cause())
                .sorted()
                .toList())
        .containsExactly(
            "s-fine SEEK 1300 SEEK",
            "s-fine STALL 3000 UNKNOWN",
            "s-fine STARTUP 1000 STARTUP",
            "s-link SEEK 1300 SEEK",
            "s-link STALL 3000 LAST_MILE",
            "s-link STARTUP 1000 STARTUP",
            "s-origin SEEK 1300 SEEK",
            "s-origin STALL 3000 EDGE_MISS",
            "s-origin STARTUP 1000 STARTUP");
    StallCause origin =
        causes.values().stream()
            .filter(c -> c.cause().equals("EDGE_MISS"))
            .findFirst()
            .orElseThrow();
    assertThat(origin.segmentSequence()).isEqualTo(4);
    assertThat(origin.originLatencyMicros()).isEqualTo(4_500_000L);
  }

  /** Startup 1 s, a stall from 20 s to 23 s, a seek at 40 s buffering 40.2-41.5 s, end at 60 s. */
  static void waitingSession(InMemoryInput in, String sid, long t0, long throughputKbps) {
    int[] n = {0};
    java.util.function.BiConsumer<ViewerEventType, Long> at =
        (type, ms) ->
            in.add(
                new ViewerEvent(
                    ViewerEvent.VERSION,
                    sid + "-" + n[0]++,
                    type,
                    sid,
                    "v-" + sid,
                    "a1",
                    "eu",
                    "edge-eu-1",
                    "web",
                    t0 + ms,
                    null,
                    2_000L,
                    null,
                    throughputKbps,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null));
    at.accept(ViewerEventType.PLAY_REQUEST, 0L);
    at.accept(ViewerEventType.FIRST_FRAME, 1_000L);
    at.accept(ViewerEventType.HEARTBEAT, 11_000L);
    at.accept(ViewerEventType.STALL_START, 20_000L);
    at.accept(ViewerEventType.STALL_END, 23_000L);
    at.accept(ViewerEventType.SEEK, 40_000L);
    at.accept(ViewerEventType.STALL_START, 40_200L);
    at.accept(ViewerEventType.STALL_END, 41_500L);
    at.accept(ViewerEventType.END, 60_000L);
  }

  static EdgeRequest segmentRequest(
      String sid,
      long at,
      int segment,
      EdgeRequest.CacheStatus status,
      long latencyMs,
      Long originMs) {
    return QoeJobRestoreTest.segmentRequest(
        sid, "edge-eu-1", "eu", "a1", segment, at, status, latencyMs, originMs);
  }
}
