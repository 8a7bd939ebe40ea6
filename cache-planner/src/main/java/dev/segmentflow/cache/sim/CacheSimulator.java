package dev.segmentflow.cache.sim;

import dev.segmentflow.cache.policy.CachePolicy;
import dev.segmentflow.cache.trace.TraceRequest;

/** Replays a trace through a cache policy and counts what the origin had to send. */
public final class CacheSimulator {
  private CacheSimulator() {}

  /** What one replay measured. Origin bytes are the misses' bytes. */
  public record Result(
      String policy, long requests, long hits, long requestedBytes, long hitBytes) {
    public double byteHitRatio() {
      return requestedBytes == 0 ? 0 : (double) hitBytes / requestedBytes;
    }

    public double objectHitRatio() {
      return requests == 0 ? 0 : (double) hits / requests;
    }

    public long originBytes() {
      return requestedBytes - hitBytes;
    }
  }

  public static Result run(Iterable<TraceRequest> trace, CachePolicy policy) {
    long requests = 0;
    long hits = 0;
    long bytes = 0;
    long hitBytes = 0;
    for (TraceRequest r : trace) {
      requests++;
      bytes += r.sizeBytes();
      if (policy.access(r.key(), r.sizeBytes())) {
        hits++;
        hitBytes += r.sizeBytes();
      }
    }
    return new Result(policy.name(), requests, hits, bytes, hitBytes);
  }
}
