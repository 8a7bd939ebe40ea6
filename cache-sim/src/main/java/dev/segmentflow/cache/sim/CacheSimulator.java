package dev.segmentflow.cache.sim;

import dev.segmentflow.cache.policy.CachePolicy;
import dev.segmentflow.cache.policy.TraceRequest;
import dev.segmentflow.cache.policy.VideoCache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Replays a trace through a cache policy and counts what the origin had to send. */
public final class CacheSimulator {
  private CacheSimulator() {}

  /**
   * What one replay measured. Origin bytes are the misses' bytes plus every prefetched byte, so a
   * policy cannot look better by fetching ahead: byte hit ratio is 1 - origin / requested.
   */
  public record Result(
      String policy,
      long requests,
      long hits,
      long requestedBytes,
      long hitBytes,
      long prefetchedBytes) {
    public double byteHitRatio() {
      return requestedBytes == 0 ? 0 : 1 - (double) originBytes() / requestedBytes;
    }

    public double objectHitRatio() {
      return requests == 0 ? 0 : (double) hits / requests;
    }

    public long originBytes() {
      return requestedBytes - hitBytes + prefetchedBytes;
    }

    Result plus(Result o) {
      return new Result(
          policy,
          requests + o.requests,
          hits + o.hits,
          requestedBytes + o.requestedBytes,
          hitBytes + o.hitBytes,
          prefetchedBytes + o.prefetchedBytes);
    }
  }

  /** Builds the cache of one edge from its own trace (Belady needs it) and its capacity. */
  @FunctionalInterface
  public interface CacheFactory {
    CachePolicy create(List<TraceRequest> edgeTrace, long capacityBytes);
  }

  public static Result run(Iterable<TraceRequest> trace, CachePolicy policy) {
    long requests = 0;
    long hits = 0;
    long bytes = 0;
    long hitBytes = 0;
    VideoCache video = policy instanceof VideoCache v ? v : null;
    for (TraceRequest r : trace) {
      requests++;
      bytes += r.sizeBytes();
      boolean hit = video != null ? video.access(r) : policy.access(r.key(), r.sizeBytes());
      if (hit) {
        hits++;
        hitBytes += r.sizeBytes();
      }
    }
    long prefetched = video != null ? video.prefetchedBytes() : 0;
    return new Result(policy.name(), requests, hits, bytes, hitBytes, prefetched);
  }

  /**
   * One edge per region, each sized at {@code fraction} of the bytes its own region asks for
   * (distinct objects), results summed over the edges.
   */
  public static Result runPerRegion(
      List<TraceRequest> trace, double fraction, CacheFactory factory) {
    Result total = null;
    for (List<TraceRequest> edgeTrace : byRegion(trace).values()) {
      long capacity = (long) (footprintBytes(edgeTrace) * fraction);
      Result r = run(edgeTrace, factory.create(edgeTrace, capacity));
      total = total == null ? r : total.plus(r);
    }
    return total;
  }

  public static Map<String, List<TraceRequest>> byRegion(List<TraceRequest> trace) {
    Map<String, List<TraceRequest>> regions = new LinkedHashMap<>();
    for (TraceRequest r : trace) {
      regions.computeIfAbsent(String.valueOf(r.region()), k -> new ArrayList<>()).add(r);
    }
    return regions;
  }

  /** Bytes of the distinct objects a trace asks for: what an unbounded cache would hold. */
  public static long footprintBytes(List<TraceRequest> trace) {
    Map<String, Long> sizes = new HashMap<>();
    for (TraceRequest r : trace) {
      sizes.putIfAbsent(r.key(), r.sizeBytes());
    }
    long sum = 0;
    for (long s : sizes.values()) {
      sum += s;
    }
    return sum;
  }
}
