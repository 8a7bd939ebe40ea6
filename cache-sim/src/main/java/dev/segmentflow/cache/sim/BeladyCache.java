package dev.segmentflow.cache.sim;

import dev.segmentflow.cache.policy.TraceRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Belady's MIN, the offline limit: it knows the whole trace and, when space is needed, evicts the
 * object whose next request is furthest away (an object never requested again goes first, and the
 * incoming object itself is not admitted when it is the furthest).
 *
 * <p>Size-aware variant: objects differ in size, and then furthest-next-use is no longer provably
 * optimal (optimal byte hit ratio with sizes is NP-hard); it remains the standard offline
 * reference. Video segments of one rendition are close in size, which keeps it near the limit.
 * Requests must be replayed in trace order.
 */
public final class BeladyCache extends OfflineCache {
  public BeladyCache(List<TraceRequest> trace, long capacityBytes) {
    super(trace, capacityBytes, nextUse(trace));
  }

  private static long[] nextUse(List<TraceRequest> trace) {
    long[] nextUse = new long[trace.size()];
    Map<String, Integer> seenLater = new HashMap<>();
    for (int i = trace.size() - 1; i >= 0; i--) {
      Integer later = seenLater.put(trace.get(i).key(), i);
      // Never again: beyond every real index, and unique so that the ordering keeps them all.
      nextUse[i] = later != null ? later : Long.MAX_VALUE - i;
    }
    return nextUse;
  }

  @Override
  public String name() {
    return "Belady";
  }
}
