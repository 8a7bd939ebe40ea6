package dev.segmentflow.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Eviction and admission of the planner on hand-made traces. */
class PlannerPolicyTest {
  static final long HOUR = 3_600_000L;

  static boolean ask(PlannerPolicy p, int segment, long timeMillis) {
    return p.access(
        SegmentCatalogue.key("a", "720p", segment),
        100,
        new ObjectRef("a", "720p", segment, "v0", timeMillis, false));
  }

  @Test
  void amongObjectsNobodyIsExpectedToAskForTheLeastRecentlyAskedForGoesFirst() {
    // Room for three segments. One viewer of a title nobody else watches: whatever lies behind it
    // is worth nothing to anyone (one start says nothing of the next), so all estimates are 0.
    PlannerPolicy p = new PlannerPolicy(300, 6 * HOUR, HOUR, (asset, rendition) -> 20, 1);
    ask(p, 0, 0);
    ask(p, 1, 6_000);
    ask(p, 2, 12_000);
    assertThat(ask(p, 0, 18_000)).isTrue(); // seeks back: segment 0 is the newest asked for now
    assertThat(ask(p, 3, 24_000)).isFalse();
    assertThat(p.contains(SegmentCatalogue.key("a", "720p", 1))).isFalse();
    assertThat(p.contains(SegmentCatalogue.key("a", "720p", 0))).isTrue();
    assertThat(p.contains(SegmentCatalogue.key("a", "720p", 2))).isTrue();
    assertThat(p.contains(SegmentCatalogue.key("a", "720p", 3))).isTrue();
  }
}
