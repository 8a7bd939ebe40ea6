package dev.segmentflow.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.segmentflow.cache.sim.BeladyCache;
import dev.segmentflow.cache.sim.CacheSimulator;
import dev.segmentflow.cache.sim.FutureCountCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hand-computed traces for each policy; the expected hits are worked out in the comments. */
class CachePoliciesTest {

  static List<TraceRequest> trace(long size, String... keys) {
    List<TraceRequest> out = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      out.add(TraceRequest.plain(i, keys[i], size));
    }
    return out;
  }

  static List<Boolean> hits(CachePolicy p, List<TraceRequest> t) {
    List<Boolean> out = new ArrayList<>();
    t.forEach(r -> out.add(p.access(r.key(), r.sizeBytes())));
    return out;
  }

  @Test
  void lruEvictsTheLeastRecentlyUsedBytes() {
    // cap 10, size 3: A B C fill 9; A hits (order B C A); D needs 3 -> evict B; B misses -> evict
    // C.
    LruCache lru = new LruCache(10);
    assertThat(hits(lru, trace(3, "A", "B", "C", "A", "D", "B", "A", "C")))
        .containsExactly(false, false, false, true, false, false, true, false);
    assertThat(lru.usedBytes()).isEqualTo(9);
    assertThat(lru.access("huge", 11)).isFalse();
    assertThat(lru.contains("huge")).isFalse();
  }

  @Test
  void lruEvictsSeveralSmallObjectsForOneLargeOne() {
    LruCache lru = new LruCache(10);
    lru.access("a", 4);
    lru.access("b", 4);
    lru.access("big", 9);
    assertThat(lru.contains("a")).isFalse();
    assertThat(lru.contains("b")).isFalse();
    assertThat(lru.usedBytes()).isEqualTo(9);
  }

  @Test
  void s3FifoPromotesWhatWasHitAndRemembersWhatItDropped() {
    // cap 10, unit sizes, small queue 1. A..J fill small; A is hit (freq 1).
    // K: small gives A to main, then drops B to the ghost. B: ghost -> straight to main, C dropped.
    S3FifoCache c = new S3FifoCache(10);
    for (String k : "ABCDEFGHIJ".split("")) {
      assertThat(c.access(k, 1)).isFalse();
    }
    assertThat(c.access("A", 1)).isTrue();
    assertThat(c.access("K", 1)).isFalse();
    assertThat(c.contains("A")).isTrue();
    assertThat(c.contains("B")).isFalse();
    assertThat(c.access("B", 1)).isFalse();
    assertThat(c.contains("B")).isTrue();
    assertThat(c.contains("C")).isFalse();
    assertThat(c.access("B", 1)).isTrue();
    assertThat(c.usedBytes()).isEqualTo(10);
  }

  @Test
  void s3FifoSurvivesAScanThatFlushesLru() {
    // Three hot objects seen three times, then a one-time scan of 20, then the hot ones again.
    List<String> keys =
        new ArrayList<>(List.of("H1", "H2", "H3", "H1", "H2", "H3", "H1", "H2", "H3"));
    for (int i = 1; i <= 20; i++) {
      keys.add("S" + i);
    }
    keys.addAll(List.of("H1", "H2", "H3"));
    List<TraceRequest> t = trace(1, keys.toArray(String[]::new));
    List<Boolean> s3 = hits(new S3FifoCache(10), t);
    List<Boolean> lru = hits(new LruCache(10), t);
    assertThat(s3.subList(29, 32)).containsExactly(true, true, true);
    assertThat(lru.subList(29, 32)).containsExactly(false, false, false);
  }

  @Test
  void beladyKeepsWhatIsNeededSoonest() {
    // cap 2: A B fill; C is needed never again, so MIN does not admit it; B and A hit.
    // LRU evicts A for C, hits B, then misses A.
    List<TraceRequest> t = trace(1, "A", "B", "C", "B", "A");
    assertThat(hits(new BeladyCache(t, 2), t)).containsExactly(false, false, false, true, true);
    assertThat(hits(new LruCache(2), t)).containsExactly(false, false, false, true, false);
  }

  @Test
  void beladyEvictsTheFurthestNextUse() {
    // cap 3: A B C; D arrives; next uses: A@5 B@4 C@6 D@7 -> D itself is furthest, not admitted.
    // Then B, A and C hit; D misses again (A B C were kept for it).
    List<TraceRequest> t = trace(1, "A", "B", "C", "D", "B", "A", "C", "D");
    assertThat(hits(new BeladyCache(t, 3), t))
        .containsExactly(false, false, false, false, true, true, true, false);
  }

  @Test
  void theFutureCountReferenceKeepsWhatIsAskedForMostOftenFromNowOn() {
    // cap 2: A B fill; at C, A has 1 request left, B 3, C 2: A goes. A then misses and, asked for
    // never again, is not admitted; C and B hit from then on.
    List<TraceRequest> t = trace(1, "A", "B", "C", "A", "C", "C", "B", "B", "B");
    assertThat(hits(new FutureCountCache(t, 2), t))
        .containsExactly(false, false, false, false, true, true, true, true, true);
  }

  @Test
  void beladyRefusesRequestsOutOfTraceOrder() {
    List<TraceRequest> t = trace(1, "A", "B");
    BeladyCache b = new BeladyCache(t, 2);
    assertThatThrownBy(() -> b.access("B", 1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void beladyBoundsTheOnlinePoliciesOnUnitSizes() {
    // With equal sizes MIN is optimal for hits: no online policy may beat it on any trace.
    Random rnd = new Random(7);
    for (int round = 0; round < 20; round++) {
      List<TraceRequest> t = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        int k = (int) Math.floor(Math.pow(rnd.nextDouble(), 3) * 400);
        t.add(TraceRequest.plain(i, "k" + k, 1));
      }
      long cap = 5 + rnd.nextInt(60);
      long min = CacheSimulator.run(t, new BeladyCache(t, cap)).hits();
      assertThat(min).isGreaterThanOrEqualTo(CacheSimulator.run(t, new LruCache(cap)).hits());
      assertThat(min).isGreaterThanOrEqualTo(CacheSimulator.run(t, new S3FifoCache(cap)).hits());
      assertThat(min).isGreaterThanOrEqualTo(CacheSimulator.run(t, new SieveCache(cap)).hits());
      assertThat(min)
          .isGreaterThanOrEqualTo(CacheSimulator.run(t, new FutureCountCache(t, cap)).hits());
    }
  }

  @Test
  void sieveKeepsWhatWasHitAndEvictsTheOldestUnvisited() {
    SieveCache c = new SieveCache(3);
    c.access("a", 1);
    c.access("b", 1);
    c.access("c", 1);
    assertThat(c.access("a", 1)).isTrue(); // a is visited
    c.access("d", 1); // the hand passes a (clearing it) and evicts b
    assertThat(c.contains("a")).isTrue();
    assertThat(c.contains("b")).isFalse();
    c.access("e", 1); // the hand stays past a: c goes, not a
    assertThat(c.contains("c")).isFalse();
    assertThat(c.contains("a")).isTrue();
    c.access("f", 1); // the hand goes on toward the newest (d), not back to a
    assertThat(c.contains("d")).isFalse();
    assertThat(c.contains("a")).isTrue();
    assertThat(c.usedBytes()).isEqualTo(3);
  }

  @Test
  void sieveEvictsSeveralSmallObjectsForOneLargeOne() {
    SieveCache c = new SieveCache(10);
    for (String k : List.of("a", "b", "c", "d", "e")) {
      c.access(k, 2);
    }
    c.access("big", 7);
    assertThat(c.contains("big")).isTrue();
    assertThat(c.usedBytes()).isLessThanOrEqualTo(10);
    assertThat(List.of("a", "b", "c", "d").stream().filter(c::contains)).isEmpty();
  }

  @Test
  void simulatorCountsBytesAndOrigin() {
    List<TraceRequest> t =
        List.of(
            TraceRequest.plain(0, "a", 100),
            TraceRequest.plain(1, "b", 50),
            TraceRequest.plain(2, "a", 100),
            TraceRequest.plain(3, "c", 400));
    CacheSimulator.Result r = CacheSimulator.run(t, new LruCache(200));
    assertThat(r.requests()).isEqualTo(4);
    assertThat(r.hits()).isEqualTo(1);
    assertThat(r.requestedBytes()).isEqualTo(650);
    assertThat(r.hitBytes()).isEqualTo(100);
    assertThat(r.originBytes()).isEqualTo(550);
    assertThat(r.byteHitRatio()).isEqualTo(100.0 / 650);
    assertThat(r.objectHitRatio()).isEqualTo(0.25);
  }
}
