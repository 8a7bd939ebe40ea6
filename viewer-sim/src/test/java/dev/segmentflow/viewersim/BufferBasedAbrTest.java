package dev.segmentflow.viewersim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BufferBasedAbrTest {
  static final long[] LADDER = {350, 700, 1200, 2800, 5000};
  final BufferBasedAbr abr = new BufferBasedAbr(8, 16);

  @Test
  void reservoirAndCushionBoundTheMap() {
    assertThat(abr.choose(0, 3, LADDER)).isZero();
    assertThat(abr.choose(8, 4, LADDER)).isZero();
    assertThat(abr.choose(24, 0, LADDER)).isEqualTo(4);
    assertThat(abr.choose(40, 2, LADDER)).isEqualTo(4);
  }

  @Test
  void climbsAsTheBufferFillsAndHoldsBetweenRungs() {
    // f(B) = 350 + 4650 * (B - 8) / 16: 12 s maps to 1512 kbps, above 1200, below 2800
    assertThat(abr.choose(12, 0, LADDER)).isEqualTo(2);
    // at 1512 kbps the player on 2800 keeps it until the map falls to 1200 or below
    assertThat(abr.choose(12, 3, LADDER)).isEqualTo(3);
    // 9 s maps to 641 kbps, below 1200: from 2800 down to the lowest rung above the map
    assertThat(abr.choose(9, 3, LADDER)).isEqualTo(1);
    // 10.5 s maps to 1077 kbps: 1200 holds (700 not reached), 2800 steps down to 1200
    assertThat(abr.choose(10.5, 2, LADDER)).isEqualTo(2);
    assertThat(abr.choose(10.5, 3, LADDER)).isEqualTo(2);
  }

  @Test
  void neverLeavesTheLadder() {
    for (double b = 0; b < 40; b += 0.25) {
      for (int current = 0; current < LADDER.length; current++) {
        assertThat(abr.choose(b, current, LADDER)).isBetween(0, LADDER.length - 1);
      }
    }
    assertThatThrownBy(() -> new BufferBasedAbr(5, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
