package dev.segmentflow.analytics.flink;

import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.validation.DeadLetters;
import dev.segmentflow.schemas.validation.ReasonCode;
import dev.segmentflow.schemas.validation.Violation;

/**
 * Dead letters for valid records that the analytics operators cannot use because of when they came:
 * behind the watermark, after their session's end, about a title nobody catalogued. The record goes
 * into the letter as JSON, so the letter id follows from its content and two jobs rejecting the
 * same event write the same row.
 */
final class TimeLetters {
  private TimeLetters() {}

  static DeadLetter of(
      String sourceTopic,
      Object record,
      ReasonCode reason,
      String field,
      String detail,
      long timeMillis) {
    return DeadLetters.of(
        sourceTopic,
        null,
        null,
        Json.bytes(record),
        new Violation(reason, field, detail),
        timeMillis);
  }

  /** An event whose time the watermark has already passed. */
  static DeadLetter late(String sourceTopic, Object record, long timeMillis, long watermark) {
    return of(
        sourceTopic,
        record,
        ReasonCode.LATE,
        "eventTimeMillis",
        "event time "
            + timeMillis
            + " is behind the watermark "
            + watermark
            + " (raise the out-of-orderness bound if this is common)",
        timeMillis);
  }
}
