package dev.segmentflow.analytics.flink;

import dev.segmentflow.analytics.qoe.QoeMinute;

/**
 * A minute row on its way to be graded for one scope ({@code region:<id>} or {@code edge:<id>}).
 */
public record ScopedMinute(String scope, QoeMinute minute) {}
