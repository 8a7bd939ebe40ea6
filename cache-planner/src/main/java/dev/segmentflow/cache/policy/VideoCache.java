package dev.segmentflow.cache.policy;

/**
 * A cache that also uses what a request is (region, title, rendition, segment) and may fetch
 * objects nobody asked for yet. Prefetched bytes come from the origin, so the simulator counts them
 * as origin traffic.
 */
public interface VideoCache extends CachePolicy {
  boolean access(TraceRequest request);

  /** Bytes fetched from the origin ahead of demand so far. */
  long prefetchedBytes();

  @Override
  default boolean access(String key, long sizeBytes) {
    throw new UnsupportedOperationException(name() + " needs the video fields of each request");
  }
}
