package dev.segmentflow.analytics.flink;

import dev.segmentflow.analytics.qoe.StallCause;

/**
 * An attributed stall on its way to the grading of one scope ({@code region:<id>} or {@code
 * edge:<id>}).
 */
public record ScopedStall(String scope, StallCause stall) {}
