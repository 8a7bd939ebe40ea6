package dev.segmentflow.schemas.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.flink.RawRecord;
import dev.segmentflow.schemas.flink.RecordTime;
import dev.segmentflow.testkit.FuzzRuns;
import org.junit.jupiter.api.AfterAll;

/**
 * The JSON validator, fuzzed with what arrives on a topic: it never throws, every refusal has a
 * reason and a detail, and what it accepts survives a round trip unchanged. The event-time scan the
 * sources run on the same bytes never throws either.
 */
class EventValidatorFuzzTest {
  private static final EventValidator<ViewerEvent> VIEWER = EventValidator.of(ViewerEvent.class);
  private static final EventValidator<EdgeRequest> EDGE = EventValidator.of(EdgeRequest.class);

  @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
  void viewerEvents(FuzzedDataProvider data) {
    FuzzRuns.count("viewerEvents");
    check(VIEWER, data.consumeRemainingAsBytes());
  }

  @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
  void edgeRequests(FuzzedDataProvider data) {
    FuzzRuns.count("edgeRequests");
    check(EDGE, data.consumeRemainingAsBytes());
  }

  static <T> void check(EventValidator<T> validator, byte[] payload) {
    RecordTime.VIEWER_EVENT.extractTimestamp(new RawRecord("t", 0, 0, 0, null, payload), 0);
    Validation<T> result = validator.validate(payload);
    if (result instanceof Validation.Valid<T> valid) {
      assertThat(validator.validate(Json.bytes(valid.value())))
          .as("a valid record re-validates to itself")
          .isEqualTo(result);
    } else {
      Violation v = ((Validation.Invalid<T>) result).primary();
      assertThat(v.reason()).isNotNull();
      assertThat(v.detail()).isNotBlank();
    }
  }

  @AfterAll
  static void reportExecutions() {
    FuzzRuns.print();
  }
}
