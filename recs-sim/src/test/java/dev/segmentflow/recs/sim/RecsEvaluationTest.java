package dev.segmentflow.recs.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.analytics.recs.RecommenderConfig;
import org.junit.jupiter.api.Test;

class RecsEvaluationTest {

  @Test
  void plantedTastesAreFoundWhereThePopularityBaselineMissesThem() {
    TasteClusters world = new TasteClusters(TasteClusters.Spec.standard(3, 0).withViewers(600));
    RecsEvaluation.Result result = RecsEvaluation.run(world, RecommenderConfig.defaults());
    assertThat(result.heldOut()).isGreaterThan(300);
    assertThat(result.hitRate()).isGreaterThan(2 * result.baselineHitRate());
  }
}
