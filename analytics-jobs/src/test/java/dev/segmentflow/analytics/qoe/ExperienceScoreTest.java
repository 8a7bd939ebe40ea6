package dev.segmentflow.analytics.qoe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ExperienceScoreTest {
  @Test
  void aFastSmoothTopQualitySessionScoresFull() {
    assertThat(ExperienceScore.of(800L, 0, 0, 5_000, false, false, false))
        .isCloseTo(100, within(1e-9));
  }

  @Test
  void eachComponentFollowsItsFormula() {
    // startup 5.5 s: halfway down the 1-10 s ramp
    assertThat(ExperienceScore.startup(5_500)).isCloseTo(0.5, within(1e-12));
    assertThat(ExperienceScore.startup(12_000)).isZero();
    // 2% rebuffering and 1 stall a minute: (1 - 0.2) / 1.5
    assertThat(ExperienceScore.smoothness(0.02, 1)).isCloseTo(0.8 / 1.5, within(1e-12));
    assertThat(ExperienceScore.smoothness(0.2, 0)).isZero();
    // 500 kbps against the 5000 kbps reference, on a log scale
    assertThat(ExperienceScore.quality(500))
        .isCloseTo(Math.log(501) / Math.log(5_001), within(1e-12));
    assertThat(ExperienceScore.quality(8_000)).isEqualTo(1);
  }

  @Test
  void theScoreWeighsStartupSmoothnessAndQuality() {
    double expected = 100 * (0.3 * 0.5 + 0.4 * (0.8 / 1.5) + 0.3 * 1);
    assertThat(ExperienceScore.of(5_500L, 0.02, 1, 5_000, false, false, false))
        .isCloseTo(expected, within(1e-9));
  }

  @Test
  void withoutAMeasuredStartupTheOtherTwoAreReweighted() {
    double smooth = 0.8 / 1.5;
    double expected = 100 * (0.4 * smooth + 0.3 * 1) / 0.7;
    assertThat(ExperienceScore.of(null, 0.02, 1, 5_000, false, false, false))
        .isCloseTo(expected, within(1e-9));
  }

  @Test
  void failuresAndExitsAreScoredByTheRule() {
    assertThat(ExperienceScore.of(null, 0, 0, 0, true, false, false)).isZero();
    assertThat(ExperienceScore.of(800L, 0, 0, 5_000, false, true, false))
        .isCloseTo(50, within(1e-9));
    assertThat(ExperienceScore.of(null, 0, 0, 0, false, false, true)).isNull();
  }

  @Test
  void worseExperienceNeverScoresHigher() {
    double good = ExperienceScore.of(1_000L, 0.001, 0.1, 3_000, false, false, false);
    assertThat(ExperienceScore.of(4_000L, 0.001, 0.1, 3_000, false, false, false)).isLessThan(good);
    assertThat(ExperienceScore.of(1_000L, 0.03, 0.1, 3_000, false, false, false)).isLessThan(good);
    assertThat(ExperienceScore.of(1_000L, 0.001, 2, 3_000, false, false, false)).isLessThan(good);
    assertThat(ExperienceScore.of(1_000L, 0.001, 0.1, 800, false, false, false)).isLessThan(good);
  }
}
