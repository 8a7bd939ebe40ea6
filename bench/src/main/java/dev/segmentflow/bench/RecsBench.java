package dev.segmentflow.bench;

import dev.segmentflow.analytics.recs.RecommenderConfig;
import dev.segmentflow.recs.sim.RecsEvaluation;
import dev.segmentflow.recs.sim.TasteClusters;

/**
 * hit@10 of the recommender on a held-out split of viewing with planted tastes, against the
 * popularity baseline on the same split. Last line: {@code hit10=<x> baseline=<y>}.
 */
public final class RecsBench {
  private RecsBench() {}

  public static void main(String[] args) {
    int viewers = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 42;
    TasteClusters.Spec spec =
        TasteClusters.Spec.standard(seed, 1_700_000_000_000L).withViewers(viewers);
    System.err.printf(
        "generating: %d titles in %d taste clusters, %d viewers, %d-%d sessions each%n",
        spec.titles(), spec.clusters(), spec.viewers(), spec.minViews(), spec.maxViews());
    TasteClusters world = new TasteClusters(spec);
    System.err.printf("replaying %d sessions in time order%n", world.sessions.size());
    RecsEvaluation.Result r =
        RecsEvaluation.run(
            world,
            RecommenderConfig.defaults(),
            (done, all, held) ->
                System.err.printf(
                    "  %d/%d sessions (%.0f%%), %d held-out views scored%n",
                    done, all, 100.0 * done / all, held));
    System.out.printf(
        "held-out views: %d, hits: %d (recommender, with diversity caps), %d (popularity)%n",
        r.heldOut(), r.hits(), r.baselineHits());
    System.out.printf(
        "ratio=%.2f replay_ms=%d%n", r.hitRate() / Math.max(1e-9, r.baselineHitRate()), r.millis());
    System.out.printf("hit10=%.4f baseline=%.4f%n", r.hitRate(), r.baselineHitRate());
  }
}
