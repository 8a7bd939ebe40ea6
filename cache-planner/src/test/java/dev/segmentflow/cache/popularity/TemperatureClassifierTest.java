package dev.segmentflow.cache.popularity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemperatureClassifierTest {
  final PopularityConfig seeds = PopularityConfig.defaults();

  @Test
  void seedThresholds() {
    assertThat(TemperatureClassifier.next(Tier.GONE, 1000, seeds)).isEqualTo(Tier.HOT);
    assertThat(TemperatureClassifier.next(Tier.GONE, 999, seeds)).isEqualTo(Tier.WARM);
    assertThat(TemperatureClassifier.next(Tier.GONE, 100, seeds)).isEqualTo(Tier.WARM);
    assertThat(TemperatureClassifier.next(Tier.GONE, 10, seeds)).isEqualTo(Tier.COLD);
    assertThat(TemperatureClassifier.next(Tier.GONE, 9.9, seeds)).isEqualTo(Tier.GONE);
  }

  @Test
  void aScoreWobblingAroundAThresholdDoesNotFlap() {
    // 1000 +- 10% stays HOT once reached (the band is 25%); without hysteresis it would flip 9
    // times.
    Tier tier = Tier.WARM;
    List<Tier> seen = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tier = TemperatureClassifier.next(tier, i % 2 == 0 ? 1100 : 900, seeds);
      seen.add(tier);
    }
    assertThat(seen).containsOnly(Tier.HOT);
  }

  @Test
  void fallsThroughTiersOnlyBelowTheirBands() {
    assertThat(TemperatureClassifier.next(Tier.HOT, 751, seeds)).isEqualTo(Tier.HOT);
    assertThat(TemperatureClassifier.next(Tier.HOT, 749, seeds)).isEqualTo(Tier.WARM);
    // A crash from HOT to nearly nothing goes all the way down in one step.
    assertThat(TemperatureClassifier.next(Tier.HOT, 7, seeds)).isEqualTo(Tier.GONE);
    assertThat(TemperatureClassifier.next(Tier.HOT, 50, seeds)).isEqualTo(Tier.COLD);
  }

  @Test
  void thresholdsScaleWithTraffic() {
    PopularityConfig small = seeds.withThresholdScale(0.01);
    assertThat(TemperatureClassifier.next(Tier.GONE, 10, small)).isEqualTo(Tier.HOT);
    assertThat(TemperatureClassifier.next(Tier.GONE, 0.1, small)).isEqualTo(Tier.COLD);
  }
}
