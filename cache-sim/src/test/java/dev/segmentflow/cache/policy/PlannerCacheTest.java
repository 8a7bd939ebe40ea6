package dev.segmentflow.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.sim.CacheSimulator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannerCacheTest {
  // Every title has ten 10-byte segments per rendition.
  static final SegmentCatalogue TEN_SEGMENTS = (asset, rendition, seg) -> seg < 10 ? 10 : -1;
  // Hot from 1 view per hour, so a handful of sessions is enough.
  final PopularityConfig config = PopularityConfig.defaults().withThresholdScale(0.001);

  static TraceRequest req(long t, String asset, int seg, String session) {
    return new TraceRequest(
        t, SegmentCatalogue.key(asset, "720p", seg), 10, "eu", asset, "720p", seg, session);
  }

  @Test
  void aOneOffRequestDoesNotPushOutSegmentsThatAreWatchedOver() {
    List<TraceRequest> trace = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      trace.add(req(s * 10, "hot", 0, "s" + s));
      trace.add(req(s * 10 + 1, "hot", 1, "s" + s));
    }
    trace.add(req(100, "once", 0, "x")); // a full cache of two: where would it go?
    trace.add(req(110, "hot", 0, "s9"));
    trace.add(req(111, "hot", 1, "s9"));

    PlannerCache planner = new PlannerCache(20, config, TEN_SEGMENTS, 1);
    CacheSimulator.Result p = CacheSimulator.run(trace, planner);
    // 2 cold misses, 8 hits, "once" bypassed (1 request against 5 each), then 2 hits.
    assertThat(p.hits()).isEqualTo(10);
    assertThat(planner.contains("once/720p/0")).isFalse();

    // LRU admits it, evicting hot/720p/0, which then misses and evicts hot/720p/1 in turn.
    CacheSimulator.Result lru = CacheSimulator.run(trace, new LruCache(20));
    assertThat(lru.hits()).isEqualTo(8);
  }

  @Test
  void turningHotPrefetchesWhatViewersGetToAndItsBytesCountAsOrigin() {
    List<TraceRequest> trace = new ArrayList<>();
    // One viewer watched another title to its end: the reach curve knows viewers get past 0.
    for (int seg = 0; seg < 10; seg++) {
      trace.add(req(seg * 6_000L, "seen", seg, "w"));
    }
    for (int s = 0; s < 10; s++) {
      trace.add(req(60_000 + s * 1000, "hot", 0, "s" + s));
    }
    // The tick at 120 s finds 10 starts (1.16 views/h with a 6 h half-life): hot, prefetch 0..4.
    trace.add(req(130_000, "hot", 3, "s0"));

    PlannerCache planner = new PlannerCache(1000, config, TEN_SEGMENTS, 1);
    CacheSimulator.Result r = CacheSimulator.run(trace, planner);
    assertThat(r.hits()).isEqualTo(10); // nine repeats of segment 0 and the prefetched segment 3
    assertThat(r.prefetchedBytes()).isEqualTo(40); // segments 1..4
    assertThat(planner.prefetchHits()).isEqualTo(1);
    assertThat(r.originBytes()).isEqualTo(100 + 10 + 40);
    assertThat(r.byteHitRatio()).isCloseTo(1 - 150.0 / 210, within(1e-12));
    assertThat(planner.contains("hot/720p/4")).isTrue();
    assertThat(planner.contains("hot/720p/5")).isFalse();
  }

  @Test
  void doesNotPrefetchWhatTheReachCurveSaysNobodyGetsTo() {
    List<TraceRequest> trace = new ArrayList<>();
    for (int s = 0; s < 10; s++) {
      trace.add(req(s * 1000, "hot", 0, "s" + s)); // everyone leaves after the first segment
    }
    trace.add(req(70_000, "hot", 0, "s10")); // past the tick that turns the title hot

    PlannerCache planner = new PlannerCache(1000, config, TEN_SEGMENTS, 1);
    CacheSimulator.Result r = CacheSimulator.run(trace, planner);
    assertThat(r.hits()).isEqualTo(10);
    assertThat(r.prefetchedBytes()).as("segments 1..4 would be origin bytes for nothing").isZero();
  }

  @Test
  void aTraceWithoutVideoFieldsIsServedLikeS3Fifo() {
    // A Zipf trace of plain keys, as a foreign (libCacheSim) trace would be.
    java.util.Random rnd = new java.util.Random(5);
    List<TraceRequest> t = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      int k = (int) Math.floor(Math.pow(rnd.nextDouble(), 2.5) * 2000);
      t.add(TraceRequest.plain(i * 100L, "k" + k, 1 + (k * 7919L) % 500));
    }
    long cap = 40_000;
    double planner =
        CacheSimulator.run(t, new PlannerCache(cap, config, TEN_SEGMENTS, 1)).byteHitRatio();
    double s3fifo = CacheSimulator.run(t, new S3FifoCache(cap)).byteHitRatio();
    assertThat(planner).isGreaterThan(0.1).isGreaterThanOrEqualTo(s3fifo - 0.01);
  }

  @Test
  void neverHoldsMoreThanItsCapacity() {
    PlannerCache planner = new PlannerCache(55, config, TEN_SEGMENTS, 3);
    for (int i = 0; i < 500; i++) {
      planner.access(req(i * 5_000L, "t" + (i % 7), i % 10, "s" + (i / 10)));
      assertThat(planner.usedBytes()).isLessThanOrEqualTo(55);
    }
  }
}
