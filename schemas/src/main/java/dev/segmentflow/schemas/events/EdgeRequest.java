package dev.segmentflow.schemas.events;

/**
 * One HTTP request served by an edge, on edge.requests. {@code latencyMicros} is the whole request
 * at the edge (origin fetch and sending the body); {@code originLatencyMicros}, on misses only, is
 * how long this request waited for the origin (its own fetch, or one it joined), so a slow origin
 * can be told apart from a slow viewer.
 */
public record EdgeRequest(
    int schemaVersion,
    String requestId,
    String edgeId,
    String region,
    String method,
    String path,
    @Nullable String assetId,
    @Nullable String rendition,
    @Nullable Integer segmentSequence,
    ObjectType objectType,
    int status,
    CacheStatus cacheStatus,
    long bytes,
    long latencyMicros,
    @Nullable Long originLatencyMicros,
    @Nullable String sessionId,
    long requestTimeMillis)
    implements Event {
  public static final int VERSION = 1;

  /**
   * The method of a line that records an object the edge fetched ahead of demand, not a viewer's
   * request: no session, cache status MISS, the bytes fetched from the origin.
   */
  public static final String PREFETCH_METHOD = "PREFETCH";

  /** What kind of HLS object was asked for. */
  public enum ObjectType {
    MASTER_PLAYLIST,
    MEDIA_PLAYLIST,
    INIT_SEGMENT,
    SEGMENT,
    OTHER
  }

  /** How the edge cache answered. */
  public enum CacheStatus {
    HIT,
    MISS,
    PREFETCH_HIT,
    STALE,
    BYPASS
  }

  @Override
  public String id() {
    return requestId;
  }
}
