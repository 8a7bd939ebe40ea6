package dev.segmentflow.recs.sim;

import dev.segmentflow.analytics.recs.Title;
import dev.segmentflow.analytics.recs.WatchedSession;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Synthetic viewing with planted tastes: every viewer belongs to a taste cluster and mostly watches
 * that cluster's titles; the rest is drawn from the whole catalogue by popularity. Clusters cut
 * across genres and creators, so a recommender can only find them through co-viewing. Some sessions
 * are abandoned early and are not views.
 */
public final class TasteClusters {
  public static final List<String> REGIONS = List.of("eu", "us", "apac");

  /** Sizes of a generated world. */
  public record Spec(
      long seed,
      int titles,
      int clusters,
      int genres,
      int creators,
      int viewers,
      int minViews,
      int maxViews,
      double ownClusterShare,
      long startMillis,
      long spanMillis) {
    public static Spec standard(long seed, long startMillis) {
      return new Spec(seed, 600, 12, 8, 60, 3000, 8, 20, 0.75, startMillis, 30L * 86_400_000);
    }

    public Spec withViewers(int n) {
      return new Spec(
          seed,
          titles,
          clusters,
          genres,
          creators,
          n,
          minViews,
          maxViews,
          ownClusterShare,
          startMillis,
          spanMillis);
    }
  }

  public final Spec spec;
  public final List<Title> titles = new ArrayList<>();
  public final List<WatchedSession> sessions = new ArrayList<>();
  private final int[] clusterOf;
  private final int[] viewerCluster;

  public TasteClusters(Spec spec) {
    this.spec = spec;
    Random r = new Random(spec.seed());
    clusterOf = new int[spec.titles()];
    for (int i = 0; i < spec.titles(); i++) {
      Title t = new Title();
      t.assetId = String.format("title-%04d", i);
      t.genre = "genre-" + r.nextInt(spec.genres());
      t.creator = String.format("creator-%02d", r.nextInt(spec.creators()));
      t.durationSeconds = 600 + r.nextInt(3000);
      // Published before or during the window: some titles are new while it runs.
      t.publishedAtMillis =
          spec.startMillis()
              - 60L * 86_400_000
              + (long) (r.nextDouble() * (60L * 86_400_000 + spec.spanMillis()));
      t.live = false;
      titles.add(t);
      clusterOf[i] = i % spec.clusters();
    }
    viewerCluster = new int[spec.viewers()];
    for (int v = 0; v < spec.viewers(); v++) {
      viewerCluster[v] = r.nextInt(spec.clusters());
      String viewer = String.format("viewer-%05d", v);
      String region = REGIONS.get(r.nextInt(REGIONS.size()));
      int n = spec.minViews() + r.nextInt(spec.maxViews() - spec.minViews() + 1);
      for (int k = 0; k < n; k++) {
        int title =
            r.nextDouble() < spec.ownClusterShare()
                ? inCluster(viewerCluster[v], r)
                : zipf(spec.titles(), r);
        Title t = titles.get(title);
        long start = spec.startMillis() + (long) (r.nextDouble() * spec.spanMillis());
        if (start < t.publishedAtMillis) {
          start = t.publishedAtMillis + r.nextInt(3_600_000);
        }
        double ratio =
            r.nextDouble() < 0.8 ? 0.6 + 0.4 * r.nextDouble() : 0.05 + 0.3 * r.nextDouble();
        double furthest = Math.floor(ratio * t.durationSeconds);
        long end = start + (long) (furthest * 1000) + 5_000;
        sessions.add(
            new WatchedSession(viewer + "-s" + k, viewer, t.assetId, region, furthest, start, end));
      }
    }
    sessions.sort(
        Comparator.comparingLong(WatchedSession::endMillis)
            .thenComparing(WatchedSession::sessionId));
  }

  public int clusterOfViewer(String viewerId) {
    return viewerCluster[Integer.parseInt(viewerId.substring("viewer-".length()))];
  }

  public int clusterOfTitle(String assetId) {
    return clusterOf[Integer.parseInt(assetId.substring("title-".length()))];
  }

  /** A title of the cluster, the cluster's own popular ones more often (Zipf within it). */
  private int inCluster(int cluster, Random r) {
    int perCluster = spec.titles() / spec.clusters();
    return cluster + spec.clusters() * zipf(perCluster, r);
  }

  /** 0..n-1 with probability falling as 1 / (rank + 1). */
  private static int zipf(int n, Random r) {
    double h = 0;
    for (int i = 1; i <= n; i++) {
      h += 1.0 / i;
    }
    double u = r.nextDouble() * h;
    for (int i = 1; i <= n; i++) {
      u -= 1.0 / i;
      if (u <= 0) {
        return i - 1;
      }
    }
    return n - 1;
  }
}
