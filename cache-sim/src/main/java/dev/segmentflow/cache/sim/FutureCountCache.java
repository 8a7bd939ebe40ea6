package dev.segmentflow.cache.sim;

import dev.segmentflow.cache.policy.TraceRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An offline reference between the online policies and Belady: it knows how many more times each
 * object will be asked for (from the whole trace) but not when, and evicts the object with the
 * fewest requests left, the least recently asked for among equals (the incoming object itself is
 * not admitted when it has the fewest). An online estimate of an object's future cannot know more
 * than its count of future requests without knowing their times; what Belady gains beyond this is
 * the timing. Requests must be replayed in trace order.
 */
public final class FutureCountCache extends OfflineCache {
  public FutureCountCache(List<TraceRequest> trace, long capacityBytes) {
    super(trace, capacityBytes, fewestLeftFirst(trace));
  }

  /** Highest rank for the fewest requests left, then for the earliest request among equals. */
  private static long[] fewestLeftFirst(List<TraceRequest> trace) {
    long[] rank = new long[trace.size()];
    Map<String, Integer> later = new HashMap<>();
    for (int i = trace.size() - 1; i >= 0; i--) {
      int left = later.merge(trace.get(i).key(), 1, Integer::sum) - 1;
      rank[i] = Long.MAX_VALUE - (((long) left << 32) | i);
    }
    return rank;
  }

  @Override
  public String name() {
    return "future-count";
  }
}
