package dev.segmentflow.schemas.validation;

/** Why an input went to a dead-letter topic. Stable names: dashboards and alerts group by them. */
public enum ReasonCode {
  /** Not parseable as JSON at all. */
  MALFORMED_JSON,
  /** JSON, but not an object. */
  NOT_AN_OBJECT,
  MISSING_FIELD,
  WRONG_TYPE,
  OUT_OF_RANGE,
  /** The payload, a string or a list is longer than its bound. */
  TOO_LARGE,
  /** A timestamp further in the future than the allowed skew. */
  CLOCK_SKEW,
  UNKNOWN_SCHEMA_VERSION,
  UNKNOWN_ENUM_VALUE,
  /**
   * Valid alone, but inconsistent with what came before it (e.g. an event for a closed session).
   */
  INCONSISTENT,
  /** Behind the event-time watermark: what it belonged to was already decided and written. */
  LATE,
  /** A media file that ffmpeg cannot read or that holds no video. */
  UNDECODABLE_MEDIA,
  /** Work on the input ran past its wall-clock limit. */
  TIMEOUT,
  /** Retries of a transient failure ran out. */
  RETRIES_EXHAUSTED
}
