package dev.segmentflow.schemas.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordTimeTest {
  static final long KAFKA_TIME = 42L;

  static long time(RecordTime t, String json) {
    byte[] bytes = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
    return t.extractTimestamp(new RawRecord("t", 0, 0, KAFKA_TIME, null, bytes), KAFKA_TIME);
  }

  @Test
  void readsTheTopLevelTimeWhereverItStands() {
    assertThat(time(RecordTime.VIEWER_EVENT, "{\"eventTimeMillis\":1700000000123}"))
        .isEqualTo(1_700_000_000_123L);
    assertThat(
            time(
                RecordTime.VIEWER_EVENT,
                "{\"a\":{\"eventTimeMillis\":1},\"b\":[1,{\"x\":2}],\"eventTimeMillis\":99}"))
        .as("a nested field of the same name is not the record's time")
        .isEqualTo(99);
    assertThat(time(RecordTime.EDGE_REQUEST, "{\"requestTimeMillis\":7,\"eventTimeMillis\":8}"))
        .isEqualTo(7);
  }

  @Test
  void readsATimeThatClosesTheObjectFromItsTailAndEverythingElseByTheScan() {
    byte[] name = "\"requestTimeMillis\"".getBytes(StandardCharsets.US_ASCII);
    assertThat(tail("{\"a\":\"x\",\"requestTimeMillis\":1700000000123}", name))
        .isEqualTo(1_700_000_000_123L);
    assertThat(tail("{ \"requestTimeMillis\" : 5 }\n", name)).isEqualTo(5);
    // Not the last member, not an integer, not JSON, a nested member: left to the scan.
    for (String other :
        new String[] {
          "{\"requestTimeMillis\":5,\"b\":1}",
          "{\"requestTimeMillis\":5.0}",
          "{\"requestTimeMillis\":-5}",
          "{\"requestTimeMillis\":05}",
          "{\"requestTimeMillis\":12345678901234567890}",
          "{\"a\":{\"requestTimeMillis\":5}}",
          "{\"a\":\"\\\"requestTimeMillis\":5}",
          "[{\"requestTimeMillis\":5}]",
          "requestTimeMillis\":5}",
          ""
        }) {
      assertThat(tail(other, name)).as(other).isEqualTo(RecordTime.readTail(null, name));
    }
    // Both ways agree with validation on a name given twice: the last value counts.
    assertThat(time(RecordTime.EDGE_REQUEST, "{\"requestTimeMillis\":1,\"requestTimeMillis\":2}"))
        .isEqualTo(2);
    assertThat(
            time(
                RecordTime.EDGE_REQUEST,
                "{\"requestTimeMillis\":1,\"requestTimeMillis\":2,\"x\":0}"))
        .isEqualTo(2);
    assertThat(time(RecordTime.EDGE_REQUEST, "{\"a\":{\"requestTimeMillis\":5}}"))
        .isEqualTo(RecordTime.NO_TIME);
  }

  static long tail(String json, byte[] name) {
    return RecordTime.readTail(json.getBytes(StandardCharsets.UTF_8), name);
  }

  @Test
  void aTimeFurtherAheadThanValidationAllowsMovesNoWatermark() {
    long soon = System.currentTimeMillis() + 60_000;
    assertThat(time(RecordTime.VIEWER_EVENT, "{\"eventTimeMillis\":" + soon + "}")).isEqualTo(soon);
    long broken = System.currentTimeMillis() + 86_400_000L;
    assertThat(time(RecordTime.VIEWER_EVENT, "{\"eventTimeMillis\":" + broken + "}"))
        .isEqualTo(RecordTime.NO_TIME);
  }

  @Test
  void unreadableTimesMoveNoWatermarkAndNeverTakeTheKafkaTimestamp() {
    assertThat(time(RecordTime.VIEWER_EVENT, "{\"eventTimeMillis\":\"soon\"}"))
        .isEqualTo(RecordTime.NO_TIME);
    assertThat(time(RecordTime.VIEWER_EVENT, "{\"eventTimeMillis\":1.5}"))
        .isEqualTo(RecordTime.NO_TIME);
    assertThat(time(RecordTime.VIEWER_EVENT, "{\"other\":1}")).isEqualTo(RecordTime.NO_TIME);
    assertThat(time(RecordTime.VIEWER_EVENT, "not json")).isEqualTo(RecordTime.NO_TIME);
    assertThat(time(RecordTime.VIEWER_EVENT, "[1,2]")).isEqualTo(RecordTime.NO_TIME);
    assertThat(time(RecordTime.VIEWER_EVENT, "{\"eventTimeMillis\":"))
        .isEqualTo(RecordTime.NO_TIME);
    assertThat(time(RecordTime.VIEWER_EVENT, null)).isEqualTo(RecordTime.NO_TIME);
  }
}
