package dev.segmentflow.analytics.qoe;

/**
 * A metric of a scope (region or edge) over its threshold in one minute: a row of qoe_alerts. It
 * carries the cause most of the scope's stall time that minute was put down to, and that cause's
 * share of it ("" and 0 when nothing stalled).
 */
public record QoeAlert(
    String alertId,
    long minuteStartMillis,
    String scopeType,
    String scope,
    String metric,
    double value,
    double threshold,
    String grade,
    String message,
    String dominantCause,
    double causeShare) {}
