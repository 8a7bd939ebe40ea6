package dev.segmentflow.schemas.validation;

import java.util.List;

/** The outcome of validating one input: the typed record, or the violations found. Never throws. */
public sealed interface Validation<T> {

  record Valid<T>(T value) implements Validation<T> {}

  /** The first violation is the primary reason; the list is never empty. */
  record Invalid<T>(List<Violation> violations) implements Validation<T> {
    public Invalid {
      if (violations.isEmpty()) {
        throw new IllegalArgumentException("an invalid input has at least one violation");
      }
      violations = List.copyOf(violations);
    }

    public Violation primary() {
      return violations.get(0);
    }
  }

  default boolean isValid() {
    return this instanceof Valid;
  }
}
