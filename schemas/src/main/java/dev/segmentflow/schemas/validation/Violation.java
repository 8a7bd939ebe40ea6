package dev.segmentflow.schemas.validation;

/**
 * One thing wrong with an input: the reason, the field it concerns (or null), and a readable
 * detail.
 */
public record Violation(ReasonCode reason, String field, String detail) {
  @Override
  public String toString() {
    return reason + (field == null ? "" : " at " + field) + ": " + detail;
  }
}
