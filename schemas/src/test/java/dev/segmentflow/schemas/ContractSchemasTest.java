package dev.segmentflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.schemas.events.Nullable;
import dev.segmentflow.schemas.validation.JsonSchemaRules.FieldRule;
import dev.segmentflow.schemas.validation.JsonSchemaRules.JsonType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Keeps every JSON Schema file equal to its record: same fields, types, requiredness, enums. */
class ContractSchemasTest {

  static List<Contracts> contracts() {
    return Contracts.ALL;
  }

  @ParameterizedTest
  @MethodSource("contracts")
  void schemaFieldsAreTheRecordComponentsInOrder(Contracts c) {
    List<String> recordFields =
        Arrays.stream(c.recordType().getRecordComponents()).map(RecordComponent::getName).toList();
    List<String> schemaFields = c.rules().fields().stream().map(FieldRule::name).toList();
    assertThat(schemaFields).containsExactlyElementsOf(recordFields);
    assertThat(c.rules().title()).isEqualTo(c.recordType().getSimpleName());
  }

  @ParameterizedTest
  @MethodSource("contracts")
  void typesRequirednessAndEnumsAgree(Contracts c) {
    for (RecordComponent rc : c.recordType().getRecordComponents()) {
      FieldRule rule = c.rules().field(rc.getName());
      String where = c.recordType().getSimpleName() + "." + rc.getName();
      Class<?> t = rc.getType();
      boolean nullable = rc.isAnnotationPresent(Nullable.class);
      assertThat(rule.required()).as(where + " required").isEqualTo(!nullable);
      if (nullable) {
        assertThat(t.isPrimitive()).as(where + " nullable needs a boxed type").isFalse();
      }
      assertThat(rule.type()).as(where + " type").isEqualTo(jsonTypeOf(t));
      if (t.isEnum()) {
        Set<String> wire =
            Arrays.stream(t.getEnumConstants())
                .map(e -> Json.MAPPER.convertValue(e, String.class))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        assertThat(rule.enumValues()).as(where + " enum").containsExactlyElementsOf(wire);
      }
      if (t == List.class) {
        var arg = ((ParameterizedType) rc.getGenericType()).getActualTypeArguments()[0];
        assertThat(rule.itemType()).as(where + " items").isEqualTo(jsonTypeOf((Class<?>) arg));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("contracts")
  void everyContractIsVersionOneAndTheVersionFieldComesFirst(Contracts c) throws Exception {
    FieldRule version = c.rules().fields().get(0);
    assertThat(version.name()).isEqualTo("schemaVersion");
    int declared = c.recordType().getField("VERSION").getInt(null);
    assertThat(version.versionValues()).contains((long) declared);
  }

  private static JsonType jsonTypeOf(Class<?> t) {
    if (t == String.class || t.isEnum()) {
      return JsonType.STRING;
    } else if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
      return JsonType.INTEGER;
    } else if (t == double.class || t == Double.class) {
      return JsonType.NUMBER;
    } else if (t == boolean.class || t == Boolean.class) {
      return JsonType.BOOLEAN;
    } else if (t == List.class) {
      return JsonType.ARRAY;
    }
    throw new AssertionError("no JSON mapping for " + t);
  }
}
