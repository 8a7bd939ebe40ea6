package dev.segmentflow.transcode.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FrameRateRuleTest {
  @Test
  void snapsAJitteryAverageToTheNearestStandardRate() {
    assertThat(FrameRateRule.normalise(29.96, 1000).expression()).isEqualTo("30000/1001");
    assertThat(FrameRateRule.normalise(23.9, 0).expression()).isEqualTo("24000/1001");
    assertThat(FrameRateRule.normalise(12.49, 0).expression()).isEqualTo("25/2");
  }

  @Test
  void bringsHighRatesDownToSixtyOrLess() {
    assertThat(FrameRateRule.normalise(120, 120).expression()).isEqualTo("60");
    assertThat(FrameRateRule.normalise(119.88, 0).expression()).isEqualTo("60000/1001");
    assertThat(FrameRateRule.normalise(100, 0).expression()).isEqualTo("50");
    assertThat(FrameRateRule.normalise(90, 0).value()).isEqualTo(45.0);
  }

  @Test
  void keepsAnUnusualRateToTheMillihertz() {
    FrameRateRule.Rate r = FrameRateRule.normalise(10, 10);
    assertThat(r.expression()).isEqualTo("10000/1000");
    assertThat(r.value()).isEqualTo(10.0);
    assertThat(FrameRateRule.normalise(17.3456, 0).expression()).isEqualTo("17346/1000");
  }

  @Test
  void fallsBackToTheNominalRateAndRefusesNone() {
    assertThat(FrameRateRule.normalise(0, 25).expression()).isEqualTo("25");
    assertThatThrownBy(() -> FrameRateRule.normalise(0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
