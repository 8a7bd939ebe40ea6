package dev.segmentflow.schemas.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The subset of JSON Schema (draft 2020-12) our contract files use, compiled into per-field rules:
 * type, required, enum, minimum, maximum, minLength, maxLength, maxItems, items, and the custom
 * {@code format: epoch-millis} that turns on the clock-skew check.
 */
public final class JsonSchemaRules {
  /** A JSON type as the schema names it. */
  public enum JsonType {
    STRING,
    INTEGER,
    NUMBER,
    BOOLEAN,
    ARRAY,
    OBJECT;

    static JsonType parse(String name) {
      return JsonType.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    public String schemaName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The constraints on one property. Nulls mean "no constraint". */
  public record FieldRule(
      String name,
      boolean required,
      JsonType type,
      Set<String> enumValues,
      Set<Long> versionValues,
      Double minimum,
      Double maximum,
      Integer minLength,
      Integer maxLength,
      Integer maxItems,
      JsonType itemType,
      Integer itemMaxLength,
      boolean epochMillis) {

    /** The violation of an absent (or null) value: none when the field is optional. */
    Violation absent() {
      return required ? new Violation(ReasonCode.MISSING_FIELD, name, "required") : null;
    }

    /** The violation of a value of another JSON type, {@code got} as the tree names its type. */
    Violation wrongType(String got) {
      return new Violation(
          ReasonCode.WRONG_TYPE, name, "expected " + type.schemaName() + ", got " + got);
    }

    /** The violation of a schema version that is absent (the version is never optional). */
    Violation versionMissing() {
      return new Violation(ReasonCode.MISSING_FIELD, name, "required");
    }

    /** The violation of a schema version that is not an integer. */
    Violation versionNotInteger() {
      return new Violation(ReasonCode.WRONG_TYPE, name, "expected integer");
    }

    /** The violation of a schema version this contract does not know. */
    Violation unknownVersion(String written, String contractTitle) {
      return new Violation(
          ReasonCode.UNKNOWN_SCHEMA_VERSION,
          name,
          "version " + written + " of " + contractTitle + "; known " + versionValues);
    }

    /** The length and enum constraints on a string value; null when it meets them. */
    Violation checkString(String s) {
      if (maxLength != null && s.length() > maxLength) {
        return new Violation(
            ReasonCode.TOO_LARGE, name, s.length() + " characters, limit " + maxLength);
      }
      if (minLength != null && s.length() < minLength) {
        return new Violation(
            ReasonCode.OUT_OF_RANGE, name, "shorter than " + minLength + " characters");
      }
      if (enumValues != null && !enumValues.contains(s)) {
        return new Violation(
            ReasonCode.UNKNOWN_ENUM_VALUE, name, "'" + s + "' not in " + enumValues);
      }
      return null;
    }

    /** Whether a number lies within minimum and maximum. */
    boolean inRange(double d) {
      return !Double.isNaN(d)
          && (minimum == null || d >= minimum)
          && (maximum == null || d <= maximum);
    }

    /** The violation of a number outside the range, {@code text} as the input wrote it. */
    Violation outOfRange(String text) {
      return new Violation(
          ReasonCode.OUT_OF_RANGE, name, text + " outside [" + minimum + ", " + maximum + "]");
    }

    /** For an epoch-millis field, the violation of a time too far ahead of now; else null. */
    Violation checkSkew(long epochMillisValue, long nowMillis, long maxSkewMillis) {
      long skew = epochMillisValue - nowMillis;
      if (!epochMillis || skew <= maxSkewMillis) {
        return null;
      }
      return new Violation(
          ReasonCode.CLOCK_SKEW, name, skew + " ms in the future, limit " + maxSkewMillis);
    }
  }

  private final String title;
  private final List<FieldRule> fields;

  private JsonSchemaRules(String title, List<FieldRule> fields) {
    this.title = title;
    this.fields = List.copyOf(fields);
  }

  public String title() {
    return title;
  }

  public List<FieldRule> fields() {
    return fields;
  }

  public FieldRule field(String name) {
    return fields.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
  }

  public static JsonSchemaRules load(String resource, ObjectMapper mapper) {
    try (InputStream in = JsonSchemaRules.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no schema resource " + resource);
      }
      return parse(mapper.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema " + resource, e);
    }
  }

  static JsonSchemaRules parse(JsonNode schema) {
    if (!"object".equals(schema.path("type").asText())) {
      throw new IllegalArgumentException("a contract schema describes an object");
    }
    Set<String> required = new HashSet<>();
    schema.path("required").forEach(n -> required.add(n.asText()));
    List<FieldRule> rules = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode p = e.getValue();
      Set<String> enums = null;
      Set<Long> versions = null;
      if (p.has("enum")) {
        enums = new LinkedHashSet<>();
        versions = new LinkedHashSet<>();
        for (JsonNode v : p.get("enum")) {
          enums.add(v.asText());
          if (v.isIntegralNumber()) {
            versions.add(v.asLong());
          }
        }
      }
      JsonNode items = p.path("items");
      rules.add(
          new FieldRule(
              e.getKey(),
              required.contains(e.getKey()),
              JsonType.parse(p.path("type").asText()),
              enums,
              versions,
              p.has("minimum") ? p.get("minimum").asDouble() : null,
              p.has("maximum") ? p.get("maximum").asDouble() : null,
              p.has("minLength") ? p.get("minLength").asInt() : null,
              p.has("maxLength") ? p.get("maxLength").asInt() : null,
              p.has("maxItems") ? p.get("maxItems").asInt() : null,
              items.has("type") ? JsonType.parse(items.get("type").asText()) : null,
              items.has("maxLength") ? items.get("maxLength").asInt() : null,
              "epoch-millis".equals(p.path("format").asText())));
    }
    return new JsonSchemaRules(schema.path("title").asText(), rules);
  }
}
