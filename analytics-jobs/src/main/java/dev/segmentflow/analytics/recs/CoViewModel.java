package dev.segmentflow.analytics.recs;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Item-item co-view counts with time decay. Each title keeps at most {@code neighboursPerTitle}
 * co-viewed titles: a new pair takes the place of the weakest only when that one has faded below a
 * single fresh co-view, so memory is bounded and established neighbours are not churned out by
 * noise. Similarity is cosine over decayed counts: co(a, b) / sqrt(views(a) views(b)).
 */
public final class CoViewModel implements Serializable {
  private static final long serialVersionUID = 1L;

  public HashMap<String, HashMap<String, Weight>> neighbours = new HashMap<>();
  public HashMap<String, Weight> views = new HashMap<>();
  public long droppedPairs;

  /** {@code assetId} was viewed at {@code t} by someone who had viewed {@code coViewed}. */
  public void recordView(
      String assetId, Iterable<String> coViewed, long t, RecommenderConfig config) {
    views.computeIfAbsent(assetId, a -> new Weight()).add(t, 1, config.coViewHalfLife());
    for (String other : coViewed) {
      if (!other.equals(assetId)) {
        link(assetId, other, t, config);
        link(other, assetId, t, config);
      }
    }
  }

  private void link(String from, String to, long t, RecommenderConfig config) {
    HashMap<String, Weight> n = neighbours.computeIfAbsent(from, k -> new HashMap<>());
    Weight w = n.get(to);
    if (w == null) {
      if (n.size() >= config.neighboursPerTitle()) {
        String weakest = weakest(n, t, config);
        if (n.get(weakest).at(t, config.coViewHalfLife()) > 1) {
          droppedPairs++;
          return;
        }
        n.remove(weakest);
      }
      w = new Weight();
      n.put(to, w);
    }
    w.add(t, 1, config.coViewHalfLife());
  }

  private static String weakest(Map<String, Weight> n, long t, RecommenderConfig config) {
    String weakest = null;
    double least = Double.MAX_VALUE;
    for (Map.Entry<String, Weight> e : n.entrySet()) {
      double v = e.getValue().at(t, config.coViewHalfLife());
      // Ties go to the greatest id, so the choice does not depend on map order.
      if (v < least || (v == least && e.getKey().compareTo(weakest) > 0)) {
        least = v;
        weakest = e.getKey();
      }
    }
    return weakest;
  }

  public Map<String, Weight> neighboursOf(String assetId) {
    return neighbours.getOrDefault(assetId, new HashMap<>());
  }

  public double similarity(String a, String b, long t, RecommenderConfig config) {
    Weight co = neighboursOf(a).get(b);
    Weight va = views.get(a);
    Weight vb = views.get(b);
    if (co == null || va == null || vb == null) {
      return 0;
    }
    double denominator =
        Math.sqrt(va.at(t, config.coViewHalfLife()) * vb.at(t, config.coViewHalfLife()));
    return denominator > 0 ? co.at(t, config.coViewHalfLife()) / denominator : 0;
  }
}
