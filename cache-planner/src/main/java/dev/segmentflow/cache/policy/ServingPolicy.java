package dev.segmentflow.cache.policy;

import java.util.function.Consumer;

/**
 * A policy a live cache can run on: besides deciding, it says which keys it evicts (so whoever
 * holds the bytes frees them) and drops a key on demand (an expired entry, an EVICT directive). The
 * edge runs these exact classes, so the simulator's figures describe the edge.
 */
public interface ServingPolicy extends CachePolicy {
  /**
   * {@link #access(String, long)} with what the request is; the planner plans with it, the other
   * policies decide on the key alone.
   */
  default boolean access(String key, long sizeBytes, ObjectRef ref) {
    return access(key, sizeBytes);
  }

  /**
   * Whether a prefetch of the object is worth its origin bytes, asked before they are fetched: a
   * prefetched byte is origin traffic even when the policy then declines to keep it. Generic
   * policies know nothing to say no with.
   */
  default boolean wantsPrefetch(ObjectRef ref) {
    return true;
  }

  /**
   * @return false when the key was not resident
   */
  boolean remove(String key);

  /** Called, under the caller's lock, with every key evicted to make room. */
  void onEvict(Consumer<String> listener);
}
