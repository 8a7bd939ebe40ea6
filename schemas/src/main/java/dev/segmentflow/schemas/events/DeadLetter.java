package dev.segmentflow.schemas.events;

import dev.segmentflow.schemas.validation.ReasonCode;

/** Input that could not be used, with why; on the *.dlq topics and in ClickHouse dead_letters. */
public record DeadLetter(
    int schemaVersion,
    String deadLetterId,
    String sourceTopic,
    @Nullable Integer sourcePartition,
    @Nullable Long sourceOffset,
    ReasonCode reason,
    @Nullable String field,
    String detail,
    String payload,
    int payloadBytes,
    long receivedAtMillis)
    implements Event {
  public static final int VERSION = 1;

  /** The payload kept in the letter is cut to this many characters; payloadBytes keeps the size. */
  public static final int MAX_PAYLOAD_CHARS = 4096;

  @Override
  public String id() {
    return deadLetterId;
  }
}
