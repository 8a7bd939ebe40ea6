package dev.segmentflow.analytics.recs;

/**
 * How far one playback session got: the input of the recommender. Whether it was a view is decided
 * against the title's duration, which the catalogue knows and the session does not.
 */
public record WatchedSession(
    String sessionId,
    String viewerId,
    String assetId,
    String region,
    double furthestSeconds,
    long startMillis,
    long endMillis) {}
