package dev.segmentflow.cache.policy;

/**
 * An object cache bounded in bytes. The edge's cache and the simulator use the same policies, so
 * what is simulated is what runs.
 */
public interface CachePolicy {
  /**
   * Serves one request for an object of the given size: true on a hit. On a miss the policy decides
   * whether to admit the object, evicting as needed; an object larger than the capacity is never
   * admitted.
   */
  boolean access(String key, long sizeBytes);

  boolean contains(String key);

  long usedBytes();

  long capacityBytes();

  String name();
}
