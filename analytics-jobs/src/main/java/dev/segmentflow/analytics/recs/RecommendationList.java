package dev.segmentflow.analytics.recs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A viewer's whole list as computed at one tick, rank 1 first: it replaces the viewer's previous
 * list whole, however long either is. Arrays by rank, as the table holds it; Flink serialises them
 * with its own array serializers (a list of records would fall back to Kryo, which cannot).
 */
public record RecommendationList(
    String viewerId,
    String region,
    long computedAtMillis,
    String[] assetIds,
    double[] scores,
    String[] reasons) {

  public static RecommendationList of(
      String viewerId, String region, long computedAtMillis, List<Recommendation> items) {
    return new RecommendationList(
        viewerId,
        region,
        computedAtMillis,
        items.stream().map(Recommendation::assetId).toArray(String[]::new),
        items.stream().mapToDouble(Recommendation::score).toArray(),
        items.stream().map(Recommendation::reason).toArray(String[]::new));
  }

  /** The list as rows, rank 1 first. */
  public List<Recommendation> items() {
    List<Recommendation> out = new ArrayList<>(assetIds.length);
    for (int i = 0; i < assetIds.length; i++) {
      out.add(
          new Recommendation(
              viewerId, i + 1, assetIds[i], scores[i], reasons[i], computedAtMillis));
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecommendationList l
        && viewerId.equals(l.viewerId)
        && region.equals(l.region)
        && computedAtMillis == l.computedAtMillis
        && Arrays.equals(assetIds, l.assetIds)
        && Arrays.equals(scores, l.scores)
        && Arrays.equals(reasons, l.reasons);
  }

  @Override
  public int hashCode() {
    return Objects.hash(viewerId, computedAtMillis, Arrays.hashCode(assetIds));
  }

  @Override
  public String toString() {
    return viewerId + "@" + computedAtMillis + Arrays.toString(assetIds);
  }
}
