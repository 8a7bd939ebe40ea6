package dev.segmentflow.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.segmentflow.cache.policy.LruCache;
import dev.segmentflow.cache.policy.PlannerPolicy;
import dev.segmentflow.cache.policy.S3FifoCache;
import dev.segmentflow.schemas.events.EdgeRequest.CacheStatus;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EdgeCacheTest {
  /** An origin that counts fetches, can be slowed down and can fail. */
  static final class CountingOrigin implements Origin {
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();
    volatile long delayMillis;
    final AtomicBoolean down = new AtomicBoolean();

    @Override
    public byte[] fetch(String key) throws IOException {
      fetches.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      if (down.get()) {
        throw new IOException("origin down");
      }
      byte[] b = objects.get(key);
      if (b == null) {
        throw new FileNotFoundException(key);
      }
      return b;
    }

    int fetches(String key) {
      AtomicInteger n = fetches.get(key);
      return n == null ? 0 : n.get();
    }
  }

  static final class ManualClock extends Clock {
    long millis = 1_700_000_000_000L;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  static HlsObject obj(String key) {
    return HlsObject.parse("/hls/" + key).object().orElseThrow();
  }

  @Test
  void aHerdOfConcurrentMissesMakesOneOriginFetch() throws Exception {
    CountingOrigin origin = new CountingOrigin();
    origin.objects.put("a1/360p/000001.ts", new byte[50_000]);
    origin.delayMillis = 300;
    EdgeMetrics metrics = new EdgeMetrics();
    EdgeCache cache =
        new EdgeCache(
            new S3FifoCache(10_000_000),
            origin,
            Clock.systemUTC(),
            metrics,
            (o, b) -> Duration.ofHours(1));
    ExecutorService pool = Executors.newFixedThreadPool(100);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<EdgeCache.Served>> all = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      all.add(
          pool.submit(
              () -> {
                go.await();
                return cache.get(obj("a1/360p/000001.ts"));
              }));
    }
    go.countDown();
    for (Future<EdgeCache.Served> f : all) {
      assertThat(f.get().entry().body()).hasSize(50_000);
    }
    pool.shutdown();
    assertThat(origin.fetches("a1/360p/000001.ts")).isEqualTo(1);
    assertThat(metrics.originFetches()).isEqualTo(1);
    assertThat(cache.get(obj("a1/360p/000001.ts")).status()).isEqualTo(CacheStatus.HIT);
  }

  @Test
  void holdsNoMoreBytesThanItsCapacityAndFreesWhatThePolicyEvicts() throws Exception {
    CountingOrigin origin = new CountingOrigin();
    for (int i = 0; i < 20; i++) {
      origin.objects.put(String.format("a1/360p/%06d.ts", i), new byte[1000]);
    }
    EdgeMetrics metrics = new EdgeMetrics();
    EdgeCache cache =
        new EdgeCache(
            new LruCache(5_000), origin, Clock.systemUTC(), metrics, (o, b) -> Duration.ofHours(1));
    for (int i = 0; i < 20; i++) {
      assertThat(cache.get(obj(String.format("a1/360p/%06d.ts", i))).status())
          .isEqualTo(CacheStatus.MISS);
      assertThat(cache.bytes()).isLessThanOrEqualTo(5_000);
    }
    // LRU keeps the newest five
    for (int i = 0; i < 20; i++) {
      assertThat(cache.holds(String.format("a1/360p/%06d.ts", i)))
          .as("seg " + i)
          .isEqualTo(i >= 15);
    }
    assertThat(metrics.get("edge_cache_evictions_total")).isEqualTo(15);
    assertThat(cache.evict(k -> k.endsWith("000019.ts"))).isEqualTo(1);
    assertThat(cache.bytes()).isEqualTo(4_000);
    assertThat(cache.get(obj("a1/360p/000019.ts")).status()).isEqualTo(CacheStatus.MISS);
  }

  @Test
  void expiredObjectsAreRefetchedAndServedStaleWhenTheOriginFails() throws Exception {
    CountingOrigin origin = new CountingOrigin();
    origin.objects.put("a1/360p/index.m3u8", "#EXTM3U\n".getBytes());
    ManualClock clock = new ManualClock();
    EdgeCache cache =
        new EdgeCache(
            new S3FifoCache(1_000_000),
            origin,
            clock,
            new EdgeMetrics(),
            (o, b) -> Duration.ofSeconds(3));
    HlsObject p = obj("a1/360p/index.m3u8");
    assertThat(cache.get(p).status()).isEqualTo(CacheStatus.MISS);
    clock.millis += 2_999;
    assertThat(cache.get(p).status()).isEqualTo(CacheStatus.HIT);
    clock.millis += 1;
    assertThat(cache.get(p).status()).isEqualTo(CacheStatus.MISS);
    assertThat(origin.fetches("a1/360p/index.m3u8")).isEqualTo(2);
    clock.millis += 5_000;
    origin.down.set(true);
    assertThat(cache.get(p).status()).isEqualTo(CacheStatus.STALE);
    // nothing stale to fall back on: the failure shows
    assertThatThrownBy(() -> cache.get(obj("a1/240p/index.m3u8"))).isInstanceOf(IOException.class);
    origin.down.set(false);
    assertThatThrownBy(() -> cache.get(obj("a1/240p/index.m3u8")))
        .isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void aPrefetchedObjectReportsItsFirstUseAsAPrefetchHit() throws Exception {
    CountingOrigin origin = new CountingOrigin();
    origin.objects.put("a1/360p/000000.ts", new byte[10]);
    EdgeMetrics metrics = new EdgeMetrics();
    EdgeCache cache =
        new EdgeCache(
            new S3FifoCache(1_000_000),
            origin,
            Clock.systemUTC(),
            metrics,
            (o, b) -> Duration.ofHours(1));
    HlsObject s = obj("a1/360p/000000.ts");
    assertThat(cache.prefetch(s)).isEqualTo(10);
    assertThat(cache.prefetch(s)).isZero();
    assertThat(metrics.get("edge_prefetch_bytes_total")).isEqualTo(10);
    assertThat(metrics.get("edge_origin_bytes_total")).isZero();
    assertThat(cache.get(s).status()).isEqualTo(CacheStatus.PREFETCH_HIT);
    assertThat(cache.get(s).status()).isEqualTo(CacheStatus.HIT);
    assertThat(origin.fetches("a1/360p/000000.ts")).isEqualTo(1);
  }

  @Test
  void aPrefetchThePlannerDoesNotWantIsNeverFetched() throws Exception {
    CountingOrigin origin = new CountingOrigin();
    origin.objects.put("a1/360p/000000.ts", new byte[10]);
    origin.objects.put("a1/1080p/000005.ts", new byte[10]);
    origin.objects.put("a2/360p/000000.ts", new byte[10]);
    EdgeMetrics metrics = new EdgeMetrics();
    EdgeCache cache =
        new EdgeCache(
            new PlannerPolicy(1_000_000, 6 * 3_600_000L, 3_600_000L, (a, r) -> 20, 1),
            origin,
            Clock.systemUTC(),
            metrics,
            (o, b) -> Duration.ofHours(1));
    cache.get(obj("a1/360p/000000.ts"), "viewer-1");
    // The title is known and nobody has asked for 1080p: the origin bytes would be wasted.
    assertThat(cache.prefetch(obj("a1/1080p/000005.ts"))).isZero();
    assertThat(origin.fetches("a1/1080p/000005.ts")).isZero();
    assertThat(metrics.get("edge_prefetch_declined_total")).isEqualTo(1);
    // A title it has never seen asked for stands on the directive's word.
    assertThat(cache.prefetch(obj("a2/360p/000000.ts"))).isEqualTo(10);
  }
}
