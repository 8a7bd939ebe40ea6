package dev.segmentflow.schemas.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.events.Directive;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventValidatorTest {
  static final long NOW = Instant.parse("2026-11-21T12:00:00Z").toEpochMilli();
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

  static final ViewerEvent VIEWER =
      new ViewerEvent(
          1,
          "e-1",
          ViewerEventType.STALL_START,
          "s-1",
          "v-1",
          "a-1",
          "eu",
          "edge-1",
          "tv",
          NOW - 1000,
          12.5,
          2500L,
          800L,
          6000L,
          true,
          false,
          null,
          null,
          null,
          null,
          null,
          null);
  static final Directive DIRECTIVE =
      new Directive(
          1,
          "d-1",
          Directive.Kind.PREFETCH,
          Directive.ScopeType.REGION,
          "eu",
          "a-1",
          List.of("720p", "360p"),
          0,
          3,
          null,
          Directive.Temperature.HOT,
          12.0,
          "top title",
          NOW,
          NOW + 60_000);
  static final EdgeRequest REQUEST =
      new EdgeRequest(
          1,
          "r-1",
          "edge-1",
          "eu",
          "GET",
          "/hls/a-1/720p/seg_00001.m4s",
          "a-1",
          "720p",
          1,
          EdgeRequest.ObjectType.SEGMENT,
          200,
          EdgeRequest.CacheStatus.HIT,
          123456,
          850,
          null,
          "s-1",
          NOW);

  static <T> EventValidator<T> validator(Class<T> type) {
    return new EventValidator<>(type, CLOCK, Duration.ofMinutes(5), 64 * 1024);
  }

  static byte[] edit(Object base, Consumer<ObjectNode> change) {
    ObjectNode node = Json.MAPPER.valueToTree(base);
    change.accept(node);
    return Json.bytes(node);
  }

  static byte[] viewer(Consumer<ObjectNode> change) {
    return edit(VIEWER, change);
  }

  static byte[] raw(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static Arguments bad(
      String name, Class<?> type, byte[] payload, ReasonCode reason, String field) {
    return Arguments.of(name, type, payload, reason, field);
  }

  static Stream<Arguments> malformed() {
    Class<?> v = ViewerEvent.class;
    return Stream.of(
        bad("empty payload", v, new byte[0], ReasonCode.MALFORMED_JSON, null),
        bad("unterminated object", v, raw("{"), ReasonCode.MALFORMED_JSON, null),
        bad("plain text", v, raw("not json at all"), ReasonCode.MALFORMED_JSON, null),
        bad(
            "binary garbage",
            v,
            new byte[] {(byte) 0xff, 0x00, 0x13, 0x37},
            ReasonCode.MALFORMED_JSON,
            null),
        bad(
            "two objects back to back",
            v,
            concat(Json.bytes(VIEWER), Json.bytes(VIEWER)),
            ReasonCode.MALFORMED_JSON,
            null),
        bad(
            "garbage after the object",
            v,
            concat(Json.bytes(VIEWER), raw(" }trailing")),
            ReasonCode.MALFORMED_JSON,
            null),
        bad(
            "a number after the object",
            v,
            concat(Json.bytes(VIEWER), raw("\n7")),
            ReasonCode.MALFORMED_JSON,
            null),
        bad("array", v, raw("[1,2]"), ReasonCode.NOT_AN_OBJECT, null),
        bad("number", v, raw("42"), ReasonCode.NOT_AN_OBJECT, null),
        bad("string", v, raw("\"play\""), ReasonCode.NOT_AN_OBJECT, null),
        bad("null", v, raw("null"), ReasonCode.NOT_AN_OBJECT, null),
        bad(
            "over 64 KiB",
            v,
            viewer(n -> n.put("pad", "x".repeat(70_000))),
            ReasonCode.TOO_LARGE,
            null),
        bad(
            "no schemaVersion",
            v,
            viewer(n -> n.remove("schemaVersion")),
            ReasonCode.MISSING_FIELD,
            "schemaVersion"),
        bad(
            "schemaVersion as string",
            v,
            viewer(n -> n.put("schemaVersion", "1")),
            ReasonCode.WRONG_TYPE,
            "schemaVersion"),
        bad(
            "schemaVersion fractional",
            v,
            viewer(n -> n.put("schemaVersion", 1.5)),
            ReasonCode.WRONG_TYPE,
            "schemaVersion"),
        bad(
            "schemaVersion from the future",
            v,
            viewer(n -> n.put("schemaVersion", 2)),
            ReasonCode.UNKNOWN_SCHEMA_VERSION,
            "schemaVersion"),
        bad(
            "schemaVersion zero",
            v,
            viewer(n -> n.put("schemaVersion", 0)),
            ReasonCode.UNKNOWN_SCHEMA_VERSION,
            "schemaVersion"),
        bad("no eventId", v, viewer(n -> n.remove("eventId")), ReasonCode.MISSING_FIELD, "eventId"),
        bad(
            "null eventId",
            v,
            viewer(n -> n.putNull("eventId")),
            ReasonCode.MISSING_FIELD,
            "eventId"),
        bad(
            "empty eventId",
            v,
            viewer(n -> n.put("eventId", "")),
            ReasonCode.OUT_OF_RANGE,
            "eventId"),
        bad(
            "numeric eventId",
            v,
            viewer(n -> n.put("eventId", 123)),
            ReasonCode.WRONG_TYPE,
            "eventId"),
        bad(
            "unknown event type",
            v,
            viewer(n -> n.put("type", "pause")),
            ReasonCode.UNKNOWN_ENUM_VALUE,
            "type"),
        bad(
            "event type in the wrong case",
            v,
            viewer(n -> n.put("type", "PLAY_REQUEST")),
            ReasonCode.UNKNOWN_ENUM_VALUE,
            "type"),
        bad(
            "event type as number",
            v,
            viewer(n -> n.put("type", 3)),
            ReasonCode.WRONG_TYPE,
            "type"),
        bad(
            "no sessionId",
            v,
            viewer(n -> n.remove("sessionId")),
            ReasonCode.MISSING_FIELD,
            "sessionId"),
        bad(
            "sessionId too long",
            v,
            viewer(n -> n.put("sessionId", "s".repeat(65))),
            ReasonCode.TOO_LARGE,
            "sessionId"),
        bad("no region", v, viewer(n -> n.remove("region")), ReasonCode.MISSING_FIELD, "region"),
        bad(
            "time as words",
            v,
            viewer(n -> n.put("eventTimeMillis", "yesterday")),
            ReasonCode.WRONG_TYPE,
            "eventTimeMillis"),
        bad(
            "time an hour ahead",
            v,
            viewer(n -> n.put("eventTimeMillis", NOW + 3_600_000)),
            ReasonCode.CLOCK_SKEW,
            "eventTimeMillis"),
        bad(
            "time in 1970",
            v,
            viewer(n -> n.put("eventTimeMillis", 1000)),
            ReasonCode.OUT_OF_RANGE,
            "eventTimeMillis"),
        bad(
            "time as float",
            v,
            viewer(n -> n.put("eventTimeMillis", 1.5e12)),
            ReasonCode.WRONG_TYPE,
            "eventTimeMillis"),
        bad(
            "time beyond long",
            v,
            raw(
                new String(viewer(n -> {}))
                    .replaceFirst(
                        "\"eventTimeMillis\":\\d+", "\"eventTimeMillis\":99999999999999999999")),
            ReasonCode.WRONG_TYPE,
            "eventTimeMillis"),
        bad(
            "negative position",
            v,
            viewer(n -> n.put("positionSeconds", -1)),
            ReasonCode.OUT_OF_RANGE,
            "positionSeconds"),
        bad(
            "position as string",
            v,
            viewer(n -> n.put("positionSeconds", "10")),
            ReasonCode.WRONG_TYPE,
            "positionSeconds"),
        bad(
            "negative bitrate",
            v,
            viewer(n -> n.put("bitrateKbps", -5)),
            ReasonCode.OUT_OF_RANGE,
            "bitrateKbps"),
        bad(
            "buffer of 11 days",
            v,
            viewer(n -> n.put("bufferLengthMillis", 1_000_000_000)),
            ReasonCode.OUT_OF_RANGE,
            "bufferLengthMillis"),
        bad(
            "starvation as yes",
            v,
            viewer(n -> n.put("bufferStarvation", "yes")),
            ReasonCode.WRONG_TYPE,
            "bufferStarvation"),
        bad("fatal as 1", v, viewer(n -> n.put("fatal", 1)), ReasonCode.WRONG_TYPE, "fatal"),
        bad(
            "error code too long",
            v,
            viewer(n -> n.put("errorCode", "E".repeat(200))),
            ReasonCode.TOO_LARGE,
            "errorCode"),
        bad(
            "device as object",
            v,
            viewer(n -> n.putObject("device").put("os", "tv")),
            ReasonCode.WRONG_TYPE,
            "device"),
        bad(
            "too many renditions",
            Directive.class,
            edit(
                DIRECTIVE,
                n -> {
                  var a = n.putArray("renditions");
                  for (int i = 0; i < 17; i++) {
                    a.add("r" + i);
                  }
                }),
            ReasonCode.TOO_LARGE,
            "renditions"),
        bad(
            "renditions of numbers",
            Directive.class,
            edit(DIRECTIVE, n -> n.putArray("renditions").add(1).add(2)),
            ReasonCode.WRONG_TYPE,
            "renditions"),
        bad(
            "unknown directive kind",
            Directive.class,
            edit(DIRECTIVE, n -> n.put("kind", "PURGE")),
            ReasonCode.UNKNOWN_ENUM_VALUE,
            "kind"),
        bad(
            "HTTP status 700",
            EdgeRequest.class,
            edit(REQUEST, n -> n.put("status", 700)),
            ReasonCode.OUT_OF_RANGE,
            "status"),
        bad(
            "unknown cache status",
            EdgeRequest.class,
            edit(REQUEST, n -> n.put("cacheStatus", "WARM")),
            ReasonCode.UNKNOWN_ENUM_VALUE,
            "cacheStatus"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedInputGetsItsReason(
      String name, Class<?> type, byte[] payload, ReasonCode reason, String field) {
    Validation<?> result = validator(type).validate(payload);
    assertThat(result).isInstanceOf(Validation.Invalid.class);
    Violation primary = ((Validation.Invalid<?>) result).primary();
    assertThat(primary.reason()).as(primary.toString()).isEqualTo(reason);
    assertThat(primary.field()).isEqualTo(field);
    assertThat(primary.detail()).isNotBlank();
  }

  @Test
  void atLeastThirtyMalformedCases() {
    assertThat(malformed().count()).isGreaterThanOrEqualTo(30);
  }

  @Test
  void validEventsComeBackEqual() {
    assertThat(validator(ViewerEvent.class).validate(Json.bytes(VIEWER)))
        .isEqualTo(new Validation.Valid<>(VIEWER));
    assertThat(validator(Directive.class).validate(Json.bytes(DIRECTIVE)))
        .isEqualTo(new Validation.Valid<>(DIRECTIVE));
    assertThat(validator(EdgeRequest.class).validate(Json.bytes(REQUEST)))
        .isEqualTo(new Validation.Valid<>(REQUEST));
  }

  @Test
  void unknownFieldsAndAbsentOptionalsAreAccepted() {
    byte[] payload =
        viewer(
            n -> {
              n.put("futureField", true);
              n.remove(List.of("edgeId", "device", "positionSeconds", "bitrateKbps", "startup"));
            });
    Validation<ViewerEvent> r = validator(ViewerEvent.class).validate(payload);
    assertThat(r.isValid()).isTrue();
    ViewerEvent e = ((Validation.Valid<ViewerEvent>) r).value();
    assertThat(e.edgeId()).isNull();
    assertThat(e.positionSeconds()).isNull();
    assertThat(e.sessionId()).isEqualTo("s-1");
  }

  @Test
  void theSecondValueIsNamedNotDropped() {
    var r =
        (Validation.Invalid<ViewerEvent>)
            validator(ViewerEvent.class).validate(concat(Json.bytes(VIEWER), Json.bytes(VIEWER)));
    assertThat(r.primary().detail())
        .isEqualTo("another JSON value follows the first one at byte " + Json.bytes(VIEWER).length);
  }

  @Test
  void aByteOrderMarkAndTrailingWhitespaceAreAccepted() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] payload = concat(concat(bom, Json.bytes(VIEWER)), raw(" \r\n\t "));
    assertThat(validator(ViewerEvent.class).validate(payload))
        .isEqualTo(new Validation.Valid<>(VIEWER));
  }

  @Test
  void skewWithinTheBoundIsAccepted() {
    byte[] payload = viewer(n -> n.put("eventTimeMillis", NOW + Duration.ofMinutes(4).toMillis()));
    assertThat(validator(ViewerEvent.class).validate(payload).isValid()).isTrue();
  }

  @Test
  void everyViolationIsReportedNotJustTheFirst() {
    byte[] payload = viewer(n -> n.put("bitrateKbps", -1).put("type", "nope").remove("region"));
    var r = (Validation.Invalid<ViewerEvent>) validator(ViewerEvent.class).validate(payload);
    assertThat(r.violations())
        .extracting(Violation::reason)
        .containsExactlyInAnyOrder(
            ReasonCode.UNKNOWN_ENUM_VALUE, ReasonCode.MISSING_FIELD, ReasonCode.OUT_OF_RANGE);
  }

  @Test
  void deadLetterIdsDependOnProvenanceOnly() {
    Violation v = new Violation(ReasonCode.MALFORMED_JSON, null, "x");
    var a = DeadLetters.of("viewer.events", 2, 17L, raw("{"), v, 1);
    var b = DeadLetters.of("viewer.events", 2, 17L, raw("{"), v, 999);
    var c = DeadLetters.of("viewer.events", 2, 18L, raw("{"), v, 1);
    assertThat(a.deadLetterId()).isEqualTo(b.deadLetterId()).isNotEqualTo(c.deadLetterId());
    JsonNode big = Json.MAPPER.valueToTree(DeadLetters.of("t", null, null, new byte[10_000], v, 1));
    assertThat(big.get("payload").asText()).hasSize(4096);
    assertThat(big.get("payloadBytes").asInt()).isEqualTo(10_000);
  }
}
