package dev.segmentflow.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * What the edge relies on: the keys a policy reports as evicted, plus those removed on demand, are
 * exactly the admitted keys that are no longer resident, and its byte count agrees.
 */
class ServingPolicyTest {
  @Test
  void evictionsAndRemovalsReconcileWithWhatIsResident() {
    for (LongFunction<ServingPolicy> make :
        List.<LongFunction<ServingPolicy>>of(LruCache::new, S3FifoCache::new)) {
      ServingPolicy p = make.apply(10_000);
      Set<String> held = new HashSet<>();
      Map<String, Long> sizes = new HashMap<>();
      p.onEvict(
          k -> {
            assertThat(held.remove(k))
                .as(p.name() + " evicted a key it did not hold: " + k)
                .isTrue();
          });
      Random r = new Random(5);
      for (int i = 0; i < 20_000; i++) {
        String key = "k" + (int) Math.abs(r.nextGaussian() * 60);
        long size = sizes.computeIfAbsent(key, k -> 100L + r.nextInt(900));
        if (r.nextInt(10) == 0) {
          boolean was = held.remove(key);
          assertThat(p.remove(key)).as(p.name() + " remove " + key).isEqualTo(was);
        } else if (!p.access(key, size)) {
          if (p.contains(key)) {
            held.add(key);
          }
        } else {
          assertThat(held).as(p.name() + " hit on " + key).contains(key);
        }
        long bytes = held.stream().mapToLong(sizes::get).sum();
        assertThat(p.usedBytes()).as(p.name() + " bytes at step " + i).isEqualTo(bytes);
        assertThat(bytes).isLessThanOrEqualTo(10_000);
      }
      for (String k : sizes.keySet()) {
        assertThat(p.contains(k)).as(p.name() + " " + k).isEqualTo(held.contains(k));
      }
    }
  }
}
