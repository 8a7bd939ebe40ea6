package dev.segmentflow.cache.sim;

import dev.segmentflow.cache.policy.CachePolicy;
import dev.segmentflow.cache.policy.TraceRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
public final class BeladyCache implements CachePolicy {
  private final long capacity;
  private final List<TraceRequest> trace;
  private final long[] nextUse;
  private final TreeMap<Long, String> byNextUse = new TreeMap<>();
  private final Map<String, Long> residentNextUse = new HashMap<>();
  private final Map<String, Long> sizes = new HashMap<>();
  private int cursor;
  private long used;

  public BeladyCache(List<TraceRequest> trace, long capacityBytes) {
    this.capacity = capacityBytes;
    this.trace = trace;
    this.nextUse = new long[trace.size()];
    Map<String, Integer> seenLater = new HashMap<>();
    for (int i = trace.size() - 1; i >= 0; i--) {
      Integer later = seenLater.put(trace.get(i).key(), i);
      // Never again: beyond every real index, and unique so that the ordering keeps them all.
      nextUse[i] = later != null ? later : Long.MAX_VALUE - i;
    }
  }

  @Override
  public boolean access(String key, long sizeBytes) {
    int i = cursor++;
    if (i >= trace.size() || !trace.get(i).key().equals(key)) {
      throw new IllegalStateException(
          "Belady replays its own trace in order; request " + i + " is not " + key);
    }
    long next = nextUse[i];
    Long previous = residentNextUse.get(key);
    if (previous != null) {
      byNextUse.remove(previous);
      byNextUse.put(next, key);
      residentNextUse.put(key, next);
      return true;
    }
    if (sizeBytes > capacity) {
      return false;
    }
    byNextUse.put(next, key);
    residentNextUse.put(key, next);
    sizes.put(key, sizeBytes);
    used += sizeBytes;
    while (used > capacity) {
      String victim = byNextUse.pollLastEntry().getValue();
      residentNextUse.remove(victim);
      used -= sizes.remove(victim);
    }
    return false;
  }

  @Override
  public boolean contains(String key) {
    return residentNextUse.containsKey(key);
  }

  @Override
  public long usedBytes() {
    return used;
  }

  @Override
  public long capacityBytes() {
    return capacity;
  }

  @Override
  public String name() {
    return "Belady";
  }
}
