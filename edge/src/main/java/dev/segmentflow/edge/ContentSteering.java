package dev.segmentflow.edge;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HLS Content Steering: which edge (pathway) a player should use, best first. Unhealthy edges are
 * left out (unless all are unhealthy); the rest are ranked by the seed's weighted score of latency
 * from the client's region, load, and whether the edge already holds the asset.
 */
public final class ContentSteering {
  /** A configured edge: its pathway id, public base URL, region and latency within it. */
  public record Pathway(String id, String baseUrl, String region, double latencyMs) {}

  /** What is known of a pathway now. */
  public record State(Pathway pathway, boolean healthy, double load, Set<String> assets) {}

  /**
   * Weights of the score (lower is better) and the penalty for leaving the client's region. A
   * cross-region hop costs every request of the session, a cache miss one origin fetch, so the
   * penalty outweighs the cache term: a near edge without the asset beats a far one with it.
   */
  public record Weights(double latency, double load, double cache, double crossRegionMs) {
    public static Weights defaults() {
      return new Weights(0.5, 0.3, 0.2, 150);
    }
  }

  private final Weights weights;

  public ContentSteering(Weights weights) {
    this.weights = weights;
  }

  public double score(State s, String clientRegion, String assetId) {
    double latency =
        s.pathway().latencyMs()
            + (clientRegion != null && !clientRegion.equals(s.pathway().region())
                ? weights.crossRegionMs()
                : 0);
    double latencyNorm = Math.min(1.0, latency / 200.0);
    double load = Math.max(0, Math.min(1, s.load()));
    double miss = s.assets().contains(assetId) ? 0 : 1;
    return weights.latency() * latencyNorm + weights.load() * load + weights.cache() * miss;
  }

  /** Pathway ids, best first. */
  public List<String> priority(List<State> states, String clientRegion, String assetId) {
    List<State> usable = states.stream().filter(State::healthy).toList();
    if (usable.isEmpty()) {
      usable = states; // every edge down: still tell the player something to try
    }
    Map<State, Double> scores = new LinkedHashMap<>();
    for (State s : usable) {
      scores.put(s, score(s, clientRegion, assetId));
    }
    List<State> ranked = new ArrayList<>(usable);
    ranked.sort(
        Comparator.comparingDouble((State s) -> scores.get(s))
            .thenComparing(s -> s.pathway().id()));
    return ranked.stream().map(s -> s.pathway().id()).toList();
  }

  /** The steering manifest (JSON) a player reloads every TTL seconds. */
  public static String manifest(List<String> priority, long ttlSeconds, String reloadUri) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("VERSION", 1);
    m.put("TTL", ttlSeconds);
    m.put("RELOAD-URI", reloadUri);
    m.put("PATHWAY-PRIORITY", priority);
    return dev.segmentflow.schemas.Json.string(m);
  }
}
