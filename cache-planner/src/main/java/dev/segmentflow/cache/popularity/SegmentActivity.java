package dev.segmentflow.cache.popularity;

import java.io.Serializable;

/** What one segment saw during one tick, passed from the segment state to its title's state. */
public record SegmentActivity(
    String region,
    String assetId,
    String rendition,
    int segment,
    long tickMillis,
    long requests,
    long bytes)
    implements Serializable {}
