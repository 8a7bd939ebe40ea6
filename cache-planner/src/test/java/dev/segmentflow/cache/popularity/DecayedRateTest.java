package dev.segmentflow.cache.popularity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DecayedRateTest {
  static final long HOUR = 3_600_000;

  @Test
  void halvesEveryHalfLife() {
    DecayedRate r = new DecayedRate();
    r.add(0, 8, HOUR);
    assertThat(r.valueAt(HOUR, HOUR)).isCloseTo(4, within(1e-9));
    assertThat(r.valueAt(3 * HOUR, HOUR)).isCloseTo(1, within(1e-9));
  }

  @Test
  void steadyStreamReadsBackAsItsRate() {
    // 600 events per hour, one every 6 s, for ten half-lives: the rate settles at 600/h.
    DecayedRate r = new DecayedRate();
    long t = 0;
    for (int i = 0; i < 600 * 10; i++) {
      t += 6_000;
      r.add(t, 1, HOUR);
    }
    assertThat(r.perHour(t, HOUR)).isCloseTo(600, within(3.0));
  }

  @Test
  void orderOfArrivalDoesNotMatter() {
    DecayedRate inOrder = new DecayedRate();
    inOrder.add(1_000, 1, HOUR);
    inOrder.add(2_000_000, 2, HOUR);
    inOrder.add(5_000_000, 3, HOUR);
    DecayedRate shuffled = new DecayedRate();
    shuffled.add(5_000_000, 3, HOUR);
    shuffled.add(1_000, 1, HOUR);
    shuffled.add(2_000_000, 2, HOUR);
    assertThat(shuffled.valueAt(6_000_000, HOUR))
        .isCloseTo(inOrder.valueAt(6_000_000, HOUR), within(1e-9));
  }
}
