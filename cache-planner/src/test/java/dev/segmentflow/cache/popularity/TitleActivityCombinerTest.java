package dev.segmentflow.cache.popularity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class TitleActivityCombinerTest {
  static final long MIN = 60_000;

  @Test
  void sumsPerTitleAndTickAndListsEachSegmentOnce() {
    TitleActivityCombiner c = new TitleActivityCombiner();
    c.add("eu", "a", "720p", 3, 100, MIN);
    c.add("eu", "a", "720p", 0, 50, MIN);
    c.add("eu", "a", "720p", 3, 100, MIN);
    c.add("eu", "a", "480p", 0, 20, MIN);
    c.add("us", "a", "720p", 1, 7, MIN);
    c.add("eu", "a", "720p", 4, 100, 2 * MIN);

    List<TitleActivity> first = new ArrayList<>();
    c.flushThrough(MIN, first::add);

    assertThat(first).hasSize(2);
    TitleActivity eu = first.stream().filter(a -> a.region.equals("eu")).findFirst().orElseThrow();
    assertThat(eu.tickMillis).isEqualTo(MIN);
    assertThat(eu.firstSegments).isEqualTo(2);
    assertThat(eu.bytes).isEqualTo(270);
    assertThat(eu.renditions).containsExactly("720p", "480p");
    assertThat(eu.requests).containsExactly(3, 1);
    assertThat(eu.segments[0]).containsExactly(0, 3);
    assertThat(eu.segments[1]).containsExactly(0);
    assertThat(c.size()).isEqualTo(1);

    List<TitleActivity> rest = new ArrayList<>();
    c.flushAll(rest::add);
    assertThat(rest)
        .containsExactly(TitleActivity.ofSegment("eu", "a", "720p", 4, 2 * MIN, 1, 100));
    assertThat(c.size()).isZero();
  }

  @Test
  void aTitleWithManyRequestsKeepsEachDistinctSegmentOnce() {
    TitleActivityCombiner c = new TitleActivityCombiner();
    for (int i = 0; i < 10_000; i++) {
      c.add("eu", "a", "720p", (i * 7) % 13, 1, MIN);
    }
    List<TitleActivity> out = new ArrayList<>();
    c.flushAll(out::add);
    assertThat(out.get(0).requests).containsExactly(10_000);
    assertThat(out.get(0).segments[0]).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
  }

  @Test
  void partialSumsFromAnySplitOfTheRequestsGiveTheSameDirectives() {
    PopularityConfig config =
        PopularityConfig.defaults().withHalfLife(java.time.Duration.ofMinutes(30));
    Random random = new Random(5);
    TitlePopularity whole = new TitlePopularity("eu", "a");
    TitlePopularity split = new TitlePopularity("eu", "a");
    for (long tick = MIN; tick <= 30 * MIN; tick += MIN) {
      TitleActivityCombiner one = new TitleActivityCombiner();
      TitleActivityCombiner[] parts = {
        new TitleActivityCombiner(), new TitleActivityCombiner(), new TitleActivityCombiner()
      };
      int requests = random.nextInt(3000);
      for (int i = 0; i < requests; i++) {
        String rendition = random.nextBoolean() ? "720p" : "1080p";
        int segment = random.nextInt(40);
        long bytes = 1 + random.nextInt(2_000_000);
        one.add("eu", "a", rendition, segment, bytes, tick);
        parts[random.nextInt(parts.length)].add("eu", "a", rendition, segment, bytes, tick);
      }
      one.flushAll(whole::recordActivity);
      for (TitleActivityCombiner p : parts) {
        p.flushAll(split::recordActivity);
      }
      assertThat(split.tick(tick, config)).isEqualTo(whole.tick(tick, config));
    }
    assertThat(whole.tier).isNotEqualTo(Tier.GONE);
  }

  @Test
  void travelsWithFlinksPojoSerializerNotKryo() {
    TypeInformation<TitleActivity> type = TypeInformation.of(TitleActivity.class);
    assertThat(type).isInstanceOf(PojoTypeInfo.class);
    PojoTypeInfo<TitleActivity> pojo = (PojoTypeInfo<TitleActivity>) type;
    for (int i = 0; i < pojo.getArity(); i++) {
      assertThat(pojo.getTypeAt(i)).isNotInstanceOf(GenericTypeInfo.class);
    }
  }
}
