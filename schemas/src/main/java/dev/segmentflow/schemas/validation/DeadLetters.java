package dev.segmentflow.schemas.validation;

import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.Ids;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Builds dead letters whose id depends only on where the input came from, so a replay overwrites.
 */
public final class DeadLetters {
  private static final int MAX_DETAIL_CHARS = 1024;

  private DeadLetters() {}

  public static DeadLetter of(
      String sourceTopic,
      Integer partition,
      Long offset,
      byte[] payload,
      Violation violation,
      long receivedAtMillis) {
    byte[] bytes = payload == null ? new byte[0] : payload;
    String id =
        offset != null
            ? Ids.of("dlq", sourceTopic, partition, offset)
            : Ids.of("dlq", sourceTopic, HexFormat.of().formatHex(bytes));
    String text = new String(bytes, StandardCharsets.UTF_8);
    return new DeadLetter(
        DeadLetter.VERSION,
        id,
        sourceTopic,
        partition,
        offset,
        violation.reason(),
        violation.field(),
        cut(violation.detail(), MAX_DETAIL_CHARS),
        cut(text, DeadLetter.MAX_PAYLOAD_CHARS),
        bytes.length,
        receivedAtMillis);
  }

  private static String cut(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, max);
  }
}
