package dev.segmentflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import dev.segmentflow.schemas.validation.ReasonCode;
import dev.segmentflow.testkit.CollectingSink;
import dev.segmentflow.testkit.FlinkMiniCluster;
import dev.segmentflow.testkit.RealServices;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The intake job's logic on in-memory input and sinks: every record is a row or a dead letter. */
@ExtendWith(RealServices.class)
class EventIntakeJobTest {

  static ViewerEvent event(int i) {
    long t = System.currentTimeMillis() - 60_000 + i;
    ViewerEventType type = i % 2 == 0 ? ViewerEventType.PLAY_REQUEST : ViewerEventType.HEARTBEAT;
    return new ViewerEvent(
        ViewerEvent.VERSION,
        ViewerEvent.idFor("s" + i, type, t, 0),
        type,
        "s" + i,
        "v" + i,
        "a" + (i % 3),
        "eu",
        "edge-eu-1",
        "web",
        t,
        i % 2 == 0 ? 0.0 : 10.0,
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
        null);
  }

  @Test
  void validEventsBecomeRowsAndEveryBadRecordADeadLetterWithItsReason(FlinkMiniCluster flink)
      throws Exception {
    InMemoryInput input = new InMemoryInput("viewer.events");
    List<ViewerEvent> valid = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ViewerEvent e = event(i);
      valid.add(e);
      input.add(e);
    }
    String one = dev.segmentflow.schemas.Json.string(event(99));
    input.addRaw("not json").addRaw(one + one).addRaw("{\"schemaVersion\":1}").addRaw("[1]");

    StreamExecutionEnvironment env = flink.environment(2);
    CollectingSink<ViewerEvent> rows = new CollectingSink<>();
    CollectingSink<DeadLetter> topic = new CollectingSink<>();
    CollectingSink<DeadLetter> table = new CollectingSink<>();
    EventIntakeJob.build(input.stream(env), rows, topic, table);
    env.execute("event-intake-fast");

    assertThat(rows.values()).containsExactlyInAnyOrderElementsOf(valid);
    Map<ReasonCode, Integer> reasons = new TreeMap<>();
    topic.values().forEach(d -> reasons.merge(d.reason(), 1, Integer::sum));
    assertThat(reasons)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                ReasonCode.MALFORMED_JSON, 2,
                ReasonCode.MISSING_FIELD, 1,
                ReasonCode.NOT_AN_OBJECT, 1));
    assertThat(table.values()).containsExactlyInAnyOrderElementsOf(topic.values());
    assertThat(rows.values().size() + topic.values().size()).isEqualTo(input.size());
  }
}
