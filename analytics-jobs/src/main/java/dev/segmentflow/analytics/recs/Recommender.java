package dev.segmentflow.analytics.recs;

import dev.segmentflow.analytics.recs.DiversityReranker.Candidate;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The recommendation model: the catalogue, each viewer's recent views, item-item co-views and
 * regional trending. Views are applied in event-time order; a viewer's list is computed from the
 * model as it stands at a given time, so the same views give the same lists.
 *
 * <p>score = (co-view + trendingWeight x trending + contentWeight x affinity + 0.1 x popularity) x
 * (1 + freshnessBoost x 0.5 ^ (age / freshnessHalfLife)), each signal scaled to [0, 1]; then the
 * genre and creator caps.
 */
public final class Recommender implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int TRENDING_CANDIDATES = 50;

  public HashMap<String, Title> catalogue = new HashMap<>();
  public HashMap<String, LinkedHashMap<String, Long>> histories = new HashMap<>();
  public CoViewModel coViews = new CoViewModel();
  public HashMap<String, HashMap<String, Weight>> trending = new HashMap<>();

  // The strongest titles overall and per region as of one time: every list computed at that time
  // shares them, and a new view drops them. Transient, so neither Flink nor a restore keeps them.
  private transient Long rankedAt;
  private transient Map<String, Double> popularRanked;
  private transient Map<String, Map<String, Double>> trendingRanked;

  /** What became of a session. */
  public enum Outcome {
    VIEW,
    TOO_SHORT,
    UNKNOWN_ASSET
  }

  public void catalogue(Title t) {
    catalogue.put(t.assetId, t);
  }

  public Outcome record(WatchedSession s, RecommenderConfig config) {
    Title title = catalogue.get(s.assetId());
    if (title == null) {
      return Outcome.UNKNOWN_ASSET;
    }
    boolean watched =
        title.live || title.durationSeconds <= 0
            ? s.furthestSeconds() >= config.minLiveWatchSeconds()
                || s.endMillis() - s.startMillis() >= config.minLiveWatchSeconds() * 1000
            : s.furthestSeconds() >= config.minWatchRatio() * title.durationSeconds;
    if (!watched) {
      return Outcome.TOO_SHORT;
    }
    long t = s.endMillis();
    rankedAt = null;
    LinkedHashMap<String, Long> history =
        histories.computeIfAbsent(s.viewerId(), v -> new LinkedHashMap<>());
    coViews.recordView(s.assetId(), new ArrayList<>(history.keySet()), t, config);
    trending
        .computeIfAbsent(s.region(), r -> new HashMap<>())
        .computeIfAbsent(s.assetId(), a -> new Weight())
        .add(t, 1, config.trendingHalfLife());
    history.remove(s.assetId()); // a re-watch moves it to the most recent end
    history.put(s.assetId(), t);
    while (history.size() > config.historyPerViewer()) {
      history.remove(history.keySet().iterator().next());
    }
    return Outcome.VIEW;
  }

  public boolean watched(String viewerId, String assetId) {
    var h = histories.get(viewerId);
    return h != null && h.containsKey(assetId);
  }

  /** The viewer's list as of {@code t}, best first; titles they have watched are left out. */
  public List<Recommendation> recommend(
      String viewerId, String region, long t, RecommenderConfig config) {
    Map<String, Long> history = histories.getOrDefault(viewerId, new LinkedHashMap<>());
    List<String> seeds = new ArrayList<>(history.keySet());
    seeds = seeds.subList(Math.max(0, seeds.size() - config.seedsPerViewer()), seeds.size());

    // Co-view: similar to recent views, the most recent counting most.
    TreeMap<String, Double> coView = new TreeMap<>();
    Map<String, String> because = new HashMap<>();
    Map<String, Double> strongest = new HashMap<>();
    for (int i = seeds.size() - 1, age = 0; i >= 0; i--, age++) {
      String seed = seeds.get(i);
      double recency = Math.pow(0.9, age);
      for (String n : coViews.neighboursOf(seed).keySet()) { // each n's sum is over seeds in order
        if (history.containsKey(n)) {
          continue;
        }
        double s = coViews.similarity(seed, n, t, config) * recency;
        coView.merge(n, s, Double::sum);
        if (s > strongest.getOrDefault(n, 0.0)) {
          strongest.put(n, s);
          because.put(n, seed);
        }
      }
    }
    if (rankedAt == null || rankedAt != t) {
      rankedAt = t;
      popularRanked = top(coViews.views, t, config.coViewHalfLife());
      trendingRanked = new HashMap<>();
    }
    Map<String, Double> popular = popularRanked;
    Map<String, Double> trend =
        trendingRanked.computeIfAbsent(
            region,
            r -> top(trending.getOrDefault(r, new HashMap<>()), t, config.trendingHalfLife()));

    Map<String, Integer> genres = new HashMap<>();
    Map<String, Integer> creators = new HashMap<>();
    for (String h : history.keySet()) {
      Title title = catalogue.get(h);
      if (title != null) {
        genres.merge(title.genre, 1, Integer::sum);
        creators.merge(title.creator, 1, Integer::sum);
      }
    }

    double maxCoView = coView.values().stream().mapToDouble(d -> d).max().orElse(0);
    TreeSet<String> ids = new TreeSet<>(coView.keySet());
    ids.addAll(trend.keySet());
    ids.addAll(popular.keySet());
    List<Candidate> candidates = new ArrayList<>();
    for (String id : ids) {
      Title title = catalogue.get(id);
      if (title == null || history.containsKey(id)) {
        continue;
      }
      double cf = maxCoView > 0 ? coView.getOrDefault(id, 0.0) / maxCoView : 0;
      double tr = config.trendingWeight() * trend.getOrDefault(id, 0.0);
      double affinity =
          history.isEmpty()
              ? 0
              : config.contentWeight()
                  * (genres.getOrDefault(title.genre, 0) + creators.getOrDefault(title.creator, 0))
                  / (2.0 * history.size());
      double pop = 0.1 * popular.getOrDefault(id, 0.0);
      double freshness =
          config.freshnessBoost()
              * RecommenderConfig.decay(t - title.publishedAtMillis, config.freshnessHalfLife());
      double score = (cf + tr + affinity + pop) * (1 + freshness);
      String reason;
      if (cf >= tr && cf >= affinity && cf >= pop && cf > 0) {
        reason = "co-viewed with " + because.get(id);
      } else if (tr >= affinity && tr >= pop && tr > 0) {
        reason = "trending in " + region;
      } else if (affinity >= pop && affinity > 0) {
        reason = "more " + title.genre;
      } else {
        reason = "popular";
      }
      if (freshness >= config.freshnessBoost() / 2) {
        reason += ", new";
      }
      candidates.add(new Candidate(title, Math.round(score * 1e6) / 1e6, reason));
    }
    candidates.sort(
        Comparator.comparingDouble(Candidate::score)
            .reversed()
            .thenComparing(c -> c.title().assetId));
    List<Recommendation> out = new ArrayList<>();
    int rank = 1;
    for (Candidate c : DiversityReranker.select(candidates, config)) {
      out.add(new Recommendation(viewerId, rank++, c.title().assetId, c.score(), c.reason(), t));
    }
    return out;
  }

  /** The strongest titles of a decayed count, each scaled by the strongest (so 1 is the top). */
  private static Map<String, Double> top(Map<String, Weight> counts, long t, Duration halfLife) {
    List<Map.Entry<String, Double>> all = new ArrayList<>();
    for (Map.Entry<String, Weight> e : counts.entrySet()) {
      all.add(Map.entry(e.getKey(), e.getValue().at(t, halfLife)));
    }
    all.sort(
        Map.Entry.<String, Double>comparingByValue()
            .reversed()
            .thenComparing(Map.Entry.comparingByKey()));
    Map<String, Double> out = new HashMap<>();
    double max = all.isEmpty() ? 0 : all.get(0).getValue();
    for (Map.Entry<String, Double> e : all.subList(0, Math.min(TRENDING_CANDIDATES, all.size()))) {
      if (max > 0) {
        out.put(e.getKey(), e.getValue() / max);
      }
    }
    return out;
  }
}
