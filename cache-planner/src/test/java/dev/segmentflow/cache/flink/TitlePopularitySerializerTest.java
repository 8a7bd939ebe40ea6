package dev.segmentflow.cache.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.popularity.Tier;
import dev.segmentflow.cache.popularity.TitleActivity;
import dev.segmentflow.cache.popularity.TitlePopularity;
import java.time.Duration;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class TitlePopularitySerializerTest {
  static final long MIN = 60_000;
  final PopularityConfig config = PopularityConfig.defaults().withHalfLife(Duration.ofHours(1));

  @Test
  void aTitleReadBackBehavesAsTheOneWritten() throws Exception {
    TitlePopularity original = busyTitle();
    TitlePopularity copy = roundTrip(original);

    assertThat(bytes(copy)).isEqualTo(bytes(original));
    assertThat(copy.tier).isEqualTo(Tier.HOT);
    assertThat(copy.prefetchedThrough).isEqualTo(original.prefetchedThrough);
    assertThat(copy.pending.keySet()).containsExactly(4 * MIN, 5 * MIN);
    // What happens next is the same for both: the pending input, decay, the look-ahead state.
    for (long t = 4 * MIN; t <= 40 * MIN; t += MIN) {
      assertThat(copy.tick(t, config)).isEqualTo(original.tick(t, config));
    }
  }

  @Test
  void aFreshTitleAndItsCopyAreIndependent() {
    TitlePopularity original = busyTitle();
    TitlePopularity copy = TitlePopularitySerializer.INSTANCE.copy(original);
    copy.recordPlay(6 * MIN - 1, 6 * MIN);
    assertThat(original.pending).doesNotContainKey(6 * MIN);
  }

  @Test
  void itsSnapshotRestoresTheSameSerializer() {
    var snapshot = TitlePopularitySerializer.INSTANCE.snapshotConfiguration();
    assertThat(snapshot.restoreSerializer()).isSameAs(TitlePopularitySerializer.INSTANCE);
    assertThat(
            snapshot
                .resolveSchemaCompatibility(
                    TitlePopularitySerializer.INSTANCE.snapshotConfiguration())
                .isCompatibleAsIs())
        .isTrue();
  }

  private TitlePopularity busyTitle() {
    TitlePopularity t = new TitlePopularity("eu", "a1");
    for (int i = 0; i < 1500; i++) {
      t.recordPlay(3 * MIN - 1, 3 * MIN);
    }
    t.recordActivity(TitleActivity.ofSegment("eu", "a1", "720p", 0, 3 * MIN, 600, 600_000));
    t.recordActivity(TitleActivity.ofSegment("eu", "a1", "1080p", 0, 3 * MIN, 400, 900_000));
    t.tick(3 * MIN, config);
    t.recordActivity(TitleActivity.ofSegment("eu", "a1", "720p", 7, 4 * MIN, 30, 30_000));
    t.recordActivity(TitleActivity.ofSegment("eu", "a1", "1080p", 9, 5 * MIN, 20, 40_000));
    t.recordPlay(5 * MIN - 2, 5 * MIN);
    return t;
  }

  private static TitlePopularity roundTrip(TitlePopularity t) throws Exception {
    byte[] b = bytes(t);
    return TitlePopularitySerializer.INSTANCE.deserialize(new DataInputDeserializer(b));
  }

  private static byte[] bytes(TitlePopularity t) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(64);
    TitlePopularitySerializer.INSTANCE.serialize(t, out);
    return out.getCopyOfBuffer();
  }
}
