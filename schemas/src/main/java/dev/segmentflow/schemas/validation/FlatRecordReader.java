package dev.segmentflow.schemas.validation;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.validation.JsonSchemaRules.FieldRule;
import dev.segmentflow.schemas.validation.JsonSchemaRules.JsonType;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates and maps a contract whose record holds only scalars (strings, enums, numbers, booleans)
 * in one pass over the bytes: no tree, no data binding. It gives the answer the tree path gives
 * ({@link EventValidator}'s other path: parse to a tree, check each rule, bind the tree to the
 * record) and hands back {@code null} for the inputs where matching that answer exactly would take
 * the tree's own machinery (anything but an object of scalars, syntax errors, numbers beyond a
 * long, a value the record's type cannot hold); the caller then takes the tree path. Valid events
 * never take it, so intake parses each valid record once.
 */
final class FlatRecordReader<T> {
  /** How a record component is built from the scalar a field holds. */
  private enum Kind {
    STRING,
    ENUM,
    INT,
    LONG,
    DOUBLE,
    BOOLEAN
  }

  /** The factory of the tree path's mapper, so both read the same syntax. */
  private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

  private final int versionRule;
  private final long[] versions;
  private final String title;
  private final FieldRule[] rules;
  private final Map<String, Integer> ruleIndex = new HashMap<>();
  private final Constructor<T> constructor;
  private final Kind[] kinds;
  private final boolean[] primitive;
  private final int[] ruleOfComponent;
  private final Map<String, Object>[] enumConstants;

  private FlatRecordReader(
      String versionField,
      JsonSchemaRules schema,
      Constructor<T> constructor,
      Kind[] kinds,
      boolean[] primitive,
      int[] ruleOfComponent,
      Map<String, Object>[] enumConstants) {
    this.title = schema.title();
    this.rules = schema.fields().toArray(FieldRule[]::new);
    for (int i = 0; i < this.rules.length; i++) {
      ruleIndex.put(this.rules[i].name(), i);
    }
    this.versionRule = ruleIndex.get(versionField);
    this.versions =
        this.rules[versionRule].versionValues().stream().mapToLong(Long::longValue).toArray();
    this.constructor = constructor;
    this.kinds = kinds;
    this.primitive = primitive;
    this.ruleOfComponent = ruleOfComponent;
    this.enumConstants = enumConstants;
    int n = this.rules.length;
    this.scratch = ThreadLocal.withInitial(() -> new Values(n));
  }

  /**
   * A reader for {@code type}, or {@code null} when the contract is not flat: a non-record type, a
   * field of array or object type, a component named or typed otherwise than its field, or one that
   * Jackson would bind through an annotation of its own.
   */
  @SuppressWarnings("unchecked")
  static <T> FlatRecordReader<T> of(Class<T> type, JsonSchemaRules schema, String versionField) {
    FieldRule version = schema.field(versionField);
    if (!type.isRecord() || version == null || version.versionValues() == null) {
      return null;
    }
    List<FieldRule> rules = schema.fields();
    for (FieldRule rule : rules) {
      if (rule.type() == JsonType.ARRAY || rule.type() == JsonType.OBJECT) {
        return null;
      }
    }
    RecordComponent[] components = type.getRecordComponents();
    Kind[] kinds = new Kind[components.length];
    boolean[] primitive = new boolean[components.length];
    int[] ruleOfComponent = new int[components.length];
    Map<String, Object>[] enums = new Map[components.length];
    Class<?>[] parameterTypes = new Class<?>[components.length];
    for (int c = 0; c < components.length; c++) {
      RecordComponent component = components[c];
      if (component.isAnnotationPresent(JsonProperty.class)
          || component.isAnnotationPresent(JsonAlias.class)) {
        return null;
      }
      int r = rules.indexOf(schema.field(component.getName()));
      if (r < 0) {
        return null;
      }
      Class<?> t = component.getType();
      parameterTypes[c] = t;
      primitive[c] = t.isPrimitive();
      ruleOfComponent[c] = r;
      kinds[c] = kindOf(t, rules.get(r).type());
      if (kinds[c] == null) {
        return null;
      }
      if (kinds[c] == Kind.ENUM) {
        enums[c] = wireNames(t);
      }
    }
    try {
      Constructor<T> constructor = type.getDeclaredConstructor(parameterTypes);
      constructor.setAccessible(true);
      return new FlatRecordReader<>(
          versionField, schema, constructor, kinds, primitive, ruleOfComponent, enums);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Kind kindOf(Class<?> t, JsonType field) {
    return switch (field) {
      case STRING -> t == String.class ? Kind.STRING : t.isEnum() ? Kind.ENUM : null;
      case INTEGER ->
          t == int.class || t == Integer.class
              ? Kind.INT
              : t == long.class || t == Long.class ? Kind.LONG : null;
      case NUMBER -> t == double.class || t == Double.class ? Kind.DOUBLE : null;
      case BOOLEAN -> t == boolean.class || t == Boolean.class ? Kind.BOOLEAN : null;
      default -> null;
    };
  }

  /** The constants by the names Jackson reads them under: {@code @JsonProperty}, else the name. */
  private static Map<String, Object> wireNames(Class<?> enumType) {
    Map<String, Object> names = new HashMap<>();
    for (Object constant : enumType.getEnumConstants()) {
      String name = ((Enum<?>) constant).name();
      try {
        JsonProperty p = enumType.getField(name).getAnnotation(JsonProperty.class);
        names.put(p != null && !p.value().isEmpty() ? p.value() : name, constant);
      } catch (NoSuchFieldException e) {
        throw new IllegalStateException(e);
      }
    }
    return names;
  }

  /** The field values of one input, by rule index; reused from call to call of one thread. */
  private static final class Values {
    final JsonToken[] tokens;
    final String[] strings;
    final long[] longs;
    final double[] doubles;

    Values(int n) {
      tokens = new JsonToken[n];
      strings = new String[n];
      longs = new long[n];
      doubles = new double[n];
    }
  }

  private final ThreadLocal<Values> scratch;

  /**
   * The outcome for {@code payload}, or {@code null} when the tree path must decide. {@code
   * nowMillis} and {@code maxSkewMillis} are the clock-skew check's.
   */
  Validation<T> read(byte[] payload, long nowMillis, long maxSkewMillis) {
    Values v = scratch.get();
    Arrays.fill(v.tokens, null);
    try (JsonParser p = FACTORY.createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        Integer r = ruleIndex.get(p.currentName());
        JsonToken value = p.nextToken();
        if (r == null) {
          p.skipChildren();
          continue;
        }
        switch (value) {
          case VALUE_STRING -> v.strings[r] = p.getText();
          case VALUE_NUMBER_INT -> {
            JsonParser.NumberType n = p.getNumberType();
            if (n != JsonParser.NumberType.INT && n != JsonParser.NumberType.LONG) {
              return null;
            }
            v.longs[r] = p.getLongValue();
          }
          case VALUE_NUMBER_FLOAT -> {
            if (p.getNumberType() != JsonParser.NumberType.DOUBLE) {
              return null;
            }
            v.doubles[r] = p.getDoubleValue();
          }
          case VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> {}
          default -> {
            return null;
          }
        }
        v.tokens[r] = value;
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        return null;
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    Violation version = checkVersion(v);
    if (version != null) {
      return new Validation.Invalid<>(List.of(version));
    }
    List<Violation> violations = null;
    for (int r = 0; r < rules.length; r++) {
      if (r != versionRule) {
        Violation bad = check(rules[r], v, r, nowMillis, maxSkewMillis);
        if (bad != null) {
          if (violations == null) {
            violations = new ArrayList<>(2);
          }
          violations.add(bad);
        }
      }
    }
    if (violations != null) {
      return new Validation.Invalid<>(violations);
    }
    return build(v);
  }

  private Violation checkVersion(Values v) {
    int r = versionRule;
    JsonToken t = v.tokens[r];
    if (t == null || t == JsonToken.VALUE_NULL) {
      return rules[r].versionMissing();
    }
    if (t != JsonToken.VALUE_NUMBER_INT) {
      return rules[r].versionNotInteger();
    }
    for (long known : versions) {
      if (known == v.longs[r]) {
        return null;
      }
    }
    return rules[r].unknownVersion(Long.toString(v.longs[r]), title);
  }

  private static Violation check(
      FieldRule rule, Values v, int r, long nowMillis, long maxSkewMillis) {
    JsonToken t = v.tokens[r];
    if (t == null || t == JsonToken.VALUE_NULL) {
      return rule.absent();
    }
    if (!hasType(t, rule.type())) {
      return rule.wrongType(nodeTypeName(t));
    }
    switch (rule.type()) {
      case STRING -> {
        return rule.checkString(v.strings[r]);
      }
      case INTEGER, NUMBER -> {
        boolean integral = t == JsonToken.VALUE_NUMBER_INT;
        double d = integral ? (double) v.longs[r] : v.doubles[r];
        if (!rule.inRange(d)) {
          return rule.outOfRange(integral ? Long.toString(v.longs[r]) : Double.toString(d));
        }
        return rule.checkSkew(integral ? v.longs[r] : (long) d, nowMillis, maxSkewMillis);
      }
      default -> {}
    }
    return null;
  }

  private static boolean hasType(JsonToken t, JsonType type) {
    return switch (type) {
      case STRING -> t == JsonToken.VALUE_STRING;
      case INTEGER -> t == JsonToken.VALUE_NUMBER_INT;
      case NUMBER -> t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
      case BOOLEAN -> t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE;
      default -> false;
    };
  }

  /** What the tree path's {@code JsonNode.getNodeType()} names a scalar. */
  private static String nodeTypeName(JsonToken t) {
    return switch (t) {
      case VALUE_STRING -> "STRING";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "NUMBER";
      case VALUE_TRUE, VALUE_FALSE -> "BOOLEAN";
      default -> "NULL";
    };
  }

  private Validation<T> build(Values v) {
    Object[] args = new Object[kinds.length];
    for (int c = 0; c < kinds.length; c++) {
      int r = ruleOfComponent[c];
      JsonToken t = v.tokens[r];
      if (t == null || t == JsonToken.VALUE_NULL) {
        if (primitive[c]) {
          return null; // the binder's rules for a missing primitive decide
        }
        continue;
      }
      Object value =
          switch (kinds[c]) {
            case STRING -> v.strings[r];
            case ENUM -> enumConstants[c].get(v.strings[r]);
            case INT -> {
              long l = v.longs[r];
              yield l == (int) l ? Integer.valueOf((int) l) : null;
            }
            case LONG -> v.longs[r];
            case DOUBLE ->
                t == JsonToken.VALUE_NUMBER_INT ? (double) v.longs[r] : (Object) v.doubles[r];
            case BOOLEAN -> t == JsonToken.VALUE_TRUE;
          };
      if (value == null) {
        return null; // an enum name or an int the record cannot hold: the binder words it
      }
      args[c] = value;
    }
    try {
      return new Validation.Valid<>(constructor.newInstance(args));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
