package dev.segmentflow.analytics.qoe;

/** A metric of a scope (region or edge) over its threshold in one minute: a row of qoe_alerts. */
public record QoeAlert(
    String alertId,
    long minuteStartMillis,
    String scopeType,
    String scope,
    String metric,
    double value,
    double threshold,
    String grade,
    String message) {}
