package dev.segmentflow.cache.popularity;

import java.io.Serializable;

/** One row of the ClickHouse {@code popularity} table: a title in a region at a tick. */
public record PopularityRow(
    String region,
    String assetId,
    long windowEndMillis,
    double requestsPerHour,
    double growth,
    double score,
    String temperature,
    long bytesServed,
    long version)
    implements Serializable {}
