package dev.segmentflow.cache.popularity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SegmentHeatTest {
  final PopularityConfig config = PopularityConfig.defaults();
  static final long MIN = 60_000;

  @Test
  void requestsAreFoldedInOnlyAtTheirOwnTick() {
    // A lagging watermark: requests for three ticks arrive before any of them fires, out of order.
    SegmentHeat h = new SegmentHeat();
    h.record(2 * MIN, 100);
    h.record(3 * MIN, 10);
    h.record(MIN, 1000);
    h.record(2 * MIN, 100);
    assertThat(h.pendingRequests()).isEqualTo(4);

    SegmentActivity first = h.tick(MIN, "eu", "a", "720p", 4, config);
    assertThat(first.requests()).isEqualTo(1);
    assertThat(first.bytes()).isEqualTo(1000);
    SegmentActivity second = h.tick(2 * MIN, "eu", "a", "720p", 4, config);
    assertThat(second.requests()).isEqualTo(2);
    assertThat(second.bytes()).isEqualTo(200);
    SegmentActivity third = h.tick(3 * MIN, "eu", "a", "720p", 4, config);
    assertThat(third.requests()).isEqualTo(1);
    assertThat(h.tick(4 * MIN, "eu", "a", "720p", 4, config)).isNull();
    assertThat(h.bytesServed).isEqualTo(1210);
    assertThat(h.hasPending()).isFalse();
  }

  @Test
  void idleStateMayBeDroppedAfterEightHalfLives() {
    SegmentHeat h = new SegmentHeat();
    h.record(MIN, 1);
    h.tick(MIN, "eu", "a", "720p", 0, config);
    long until = MIN + 8 * config.halfLifeMillis();
    assertThat(h.idleUntil(config)).isEqualTo(until);
    assertThat(h.idleAt(until - 1, config)).isFalse();
    assertThat(h.idleAt(until, config)).isTrue();
    h.record(until + MIN, 1);
    assertThat(h.idleAt(until + 1, config)).as("pending input keeps it").isFalse();
  }

  @Test
  void anEventBehindTheWatermarkCountsInTheNextTickThatHasNotFired() {
    assertThat(config.openTickFor(30_000, 0)).isEqualTo(MIN);
    assertThat(config.openTickFor(30_000, MIN)).isEqualTo(2 * MIN);
    assertThat(config.openTickFor(30_000, 5 * MIN + 1)).isEqualTo(6 * MIN);
  }
}
