package dev.segmentflow.schemas.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.segmentflow.schemas.Contracts;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.validation.JsonSchemaRules.FieldRule;
import dev.segmentflow.schemas.validation.JsonSchemaRules.JsonType;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks raw bytes against a contract's JSON Schema and, when they pass, maps them to the record.
 * Returns typed reason codes instead of throwing, so that an operator can route bad input to a
 * dead-letter topic and keep running.
 */
public final class EventValidator<T> {
  public static final int DEFAULT_MAX_BYTES = 64 * 1024;
  public static final Duration DEFAULT_MAX_SKEW = Duration.ofMinutes(5);
  private static final String VERSION_FIELD = "schemaVersion";

  private final Class<T> type;
  private final JsonSchemaRules rules;
  private final Clock clock;
  private final Duration maxSkew;
  private final int maxBytes;
  private final FlatRecordReader<T> flat;

  public EventValidator(Class<T> type, Clock clock, Duration maxSkew, int maxBytes) {
    this.type = type;
    this.rules = Contracts.of(type).rules();
    this.clock = clock;
    this.maxSkew = maxSkew;
    this.maxBytes = maxBytes;
    this.flat = FlatRecordReader.of(type, rules, VERSION_FIELD);
  }

  public static <T> EventValidator<T> of(Class<T> type) {
    return new EventValidator<>(type, Clock.systemUTC(), DEFAULT_MAX_SKEW, DEFAULT_MAX_BYTES);
  }

  public Class<T> type() {
    return type;
  }

  public Validation<T> validate(byte[] payload) {
    if (payload == null || payload.length == 0) {
      return invalid(ReasonCode.MALFORMED_JSON, null, "empty payload");
    }
    if (payload.length > maxBytes) {
      return invalid(
          ReasonCode.TOO_LARGE, null, payload.length + " bytes exceed the limit of " + maxBytes);
    }
    if (flat != null) {
      Validation<T> result = flat.read(payload, clock.millis(), maxSkew.toMillis());
      if (result != null) {
        return result;
      }
    }
    return validateTree(payload);
  }

  /** The general path: the whole input as a tree, each rule checked on it, then bound. */
  Validation<T> validateTree(byte[] payload) {
    JsonNode root;
    // One message, one value: a second object or garbage after the first would otherwise be
    // dropped without a trace. A UTF-8 byte-order mark is skipped by the parser.
    try (JsonParser parser = Json.MAPPER.createParser(payload)) {
      root = Json.MAPPER.readTree(parser);
      if (root == null || root.isMissingNode()) {
        return invalid(ReasonCode.MALFORMED_JSON, null, "no JSON value");
      }
      long end = parser.currentLocation().getByteOffset();
      try {
        if (parser.nextToken() != null) {
          return invalid(
              ReasonCode.MALFORMED_JSON,
              null,
              "another JSON value follows the first one at byte " + end);
        }
      } catch (IOException e) {
        return invalid(
            ReasonCode.MALFORMED_JSON,
            null,
            "trailing content after the JSON value at byte "
                + end
                + ": "
                + firstLine(e.getMessage()));
      }
    } catch (IOException e) {
      return invalid(ReasonCode.MALFORMED_JSON, null, firstLine(e.getMessage()));
    }
    return validate(root);
  }

  public Validation<T> validate(JsonNode root) {
    if (!root.isObject()) {
      return invalid(
          ReasonCode.NOT_AN_OBJECT, null, "expected an object, got " + root.getNodeType());
    }
    Violation versionProblem = checkVersion(root);
    if (versionProblem != null) {
      return new Validation.Invalid<>(List.of(versionProblem));
    }
    List<Violation> violations = new ArrayList<>();
    for (FieldRule rule : rules.fields()) {
      if (!rule.name().equals(VERSION_FIELD)) {
        Violation v = check(rule, root.get(rule.name()));
        if (v != null) {
          violations.add(v);
        }
      }
    }
    if (!violations.isEmpty()) {
      return new Validation.Invalid<>(violations);
    }
    try {
      return new Validation.Valid<>(Json.MAPPER.treeToValue(root, type));
    } catch (JsonProcessingException e) {
      // The schema let it through but the record cannot hold it: the schema test keeps this rare.
      return invalid(ReasonCode.WRONG_TYPE, null, firstLine(e.getOriginalMessage()));
    }
  }

  private Violation checkVersion(JsonNode root) {
    FieldRule rule = rules.field(VERSION_FIELD);
    JsonNode v = root.get(VERSION_FIELD);
    if (v == null || v.isNull()) {
      return rule.versionMissing();
    }
    if (!v.isIntegralNumber()) {
      return rule.versionNotInteger();
    }
    if (!rule.versionValues().contains(v.asLong())) {
      return rule.unknownVersion(v.asText(), rules.title());
    }
    return null;
  }

  private Violation check(FieldRule rule, JsonNode v) {
    String f = rule.name();
    if (v == null || v.isNull()) {
      return rule.absent();
    }
    if (!hasType(v, rule.type())) {
      return rule.wrongType(v.getNodeType().toString());
    }
    switch (rule.type()) {
      case STRING -> {
        return rule.checkString(v.asText());
      }
      case INTEGER, NUMBER -> {
        if (!rule.inRange(v.asDouble())) {
          return rule.outOfRange(v.asText());
        }
        return rule.checkSkew(v.asLong(), clock.millis(), maxSkew.toMillis());
      }
      case ARRAY -> {
        if (rule.maxItems() != null && v.size() > rule.maxItems()) {
          return new Violation(
              ReasonCode.TOO_LARGE, f, v.size() + " items, limit " + rule.maxItems());
        }
        for (JsonNode item : v) {
          if (rule.itemType() != null && !hasType(item, rule.itemType())) {
            return new Violation(
                ReasonCode.WRONG_TYPE, f, "items must be " + rule.itemType().schemaName());
          }
          if (rule.itemMaxLength() != null && item.asText().length() > rule.itemMaxLength()) {
            return new Violation(ReasonCode.TOO_LARGE, f, "an item is longer than allowed");
          }
        }
      }
      default -> {}
    }
    return null;
  }

  private static boolean hasType(JsonNode v, JsonType t) {
    return switch (t) {
      case STRING -> v.isTextual();
      case INTEGER -> v.isIntegralNumber() && v.canConvertToLong();
      case NUMBER -> v.isNumber();
      case BOOLEAN -> v.isBoolean();
      case ARRAY -> v.isArray();
      case OBJECT -> v.isObject();
    };
  }

  private Validation<T> invalid(ReasonCode reason, String field, String detail) {
    return new Validation.Invalid<>(List.of(new Violation(reason, field, detail)));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unparseable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
