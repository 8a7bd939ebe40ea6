package dev.segmentflow.analytics.sink;

import dev.segmentflow.schemas.Json;

/** The name an enum constant has on the wire, so that tables hold what topics hold. */
final class Wire {
  private Wire() {}

  static String name(Enum<?> value) {
    return Json.MAPPER.convertValue(value, String.class);
  }
}
