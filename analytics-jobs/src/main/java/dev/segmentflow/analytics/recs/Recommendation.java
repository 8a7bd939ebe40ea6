package dev.segmentflow.analytics.recs;

/** One row of a viewer's list, rank 1 first. {@code reason} says which signal put it there. */
public record Recommendation(
    String viewerId,
    int rank,
    String assetId,
    double score,
    String reason,
    long computedAtMillis) {}
