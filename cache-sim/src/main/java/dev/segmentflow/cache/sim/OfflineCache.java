package dev.segmentflow.cache.sim;

import dev.segmentflow.cache.policy.CachePolicy;
import dev.segmentflow.cache.policy.TraceRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An offline reference policy: it knows the whole trace, and after each request ranks the object
 * asked for by what the trace says of its future. When space is needed it evicts the resident
 * object ranked highest; the incoming object itself is not admitted when it ranks highest. Ranks
 * must be unique (break ties with the request's index). Requests must be replayed in trace order.
 */
abstract class OfflineCache implements CachePolicy {
  private final long capacity;
  private final List<TraceRequest> trace;
  private final long[] rank;
  private final TreeMap<Long, String> byRank = new TreeMap<>();
  private final Map<String, Long> residentRank = new HashMap<>();
  private final Map<String, Long> sizes = new HashMap<>();
  private int cursor;
  private long used;

  /** {@code rank[i]}: the eviction rank of request i's object after request i. */
  OfflineCache(List<TraceRequest> trace, long capacityBytes, long[] rank) {
    this.capacity = capacityBytes;
    this.trace = trace;
    this.rank = rank;
  }

  @Override
  public boolean access(String key, long sizeBytes) {
    int i = cursor++;
    if (i >= trace.size() || !trace.get(i).key().equals(key)) {
      throw new IllegalStateException(
          name() + " replays its own trace in order; request " + i + " is not " + key);
    }
    long r = rank[i];
    Long previous = residentRank.get(key);
    if (previous != null) {
      byRank.remove(previous);
      byRank.put(r, key);
      residentRank.put(key, r);
      return true;
    }
    if (sizeBytes > capacity) {
      return false;
    }
    byRank.put(r, key);
    residentRank.put(key, r);
    sizes.put(key, sizeBytes);
    used += sizeBytes;
    while (used > capacity) {
      String victim = byRank.pollLastEntry().getValue();
      residentRank.remove(victim);
      used -= sizes.remove(victim);
    }
    return false;
  }

  @Override
  public boolean contains(String key) {
    return residentRank.containsKey(key);
  }

  @Override
  public long usedBytes() {
    return used;
  }

  @Override
  public long capacityBytes() {
    return capacity;
  }
}
