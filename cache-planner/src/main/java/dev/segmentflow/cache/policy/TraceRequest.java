package dev.segmentflow.cache.policy;

/**
 * One request of a cache trace. The video fields (region, asset, rendition, segment, session) are
 * known for our own traces and null/-1 for foreign ones (libCacheSim formats), where only time, key
 * and size exist.
 */
public record TraceRequest(
    long timeMillis,
    String key,
    long sizeBytes,
    String region,
    String assetId,
    String rendition,
    int segment,
    String sessionId) {

  public static TraceRequest plain(long timeMillis, String key, long sizeBytes) {
    return new TraceRequest(timeMillis, key, sizeBytes, null, null, null, -1, null);
  }
}
