package dev.segmentflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.analytics.qoe.QoeAlert;
import dev.segmentflow.analytics.qoe.QoeMinute;
import dev.segmentflow.analytics.qoe.SessionSummary;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.ViewerEvent;
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
    InMemoryInput input = new InMemoryInput("viewer.events");
    order.values().forEach(input::add);
    input.add(events.get(5)); // a redelivery: counted once
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
        new QoeJob.Settings(time, QoeJob.Settings.defaults().thresholds(), "viewer.events"),
        new QoeJob.Sinks(sessions, minutes, alerts, letters, new CollectingSink<>()));
    env.execute("qoe-fast");

    assertThat(sessions.values().stream().map(QoeJobTest::row).toList())
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(letters.values())
        .extracting(DeadLetter::reason)
        .containsExactly(ReasonCode.MISSING_FIELD);
    long sessionsInMinutes = minutes.values().stream().mapToLong(QoeMinute::sessions).sum();
    assertThat(sessionsInMinutes).as("every session is in some minute").isPositive();
  }
}
