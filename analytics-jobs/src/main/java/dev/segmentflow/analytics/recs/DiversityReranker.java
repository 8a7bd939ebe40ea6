package dev.segmentflow.analytics.recs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes candidates best first and keeps each unless it would put more than the allowed number of
 * one genre or one creator in the list. A list can come out shorter than asked for when the
 * candidates cannot fill it within the caps; it is never padded with titles that break them.
 */
public final class DiversityReranker {
  private DiversityReranker() {}

  /** A scored candidate and the signal that scored it most. */
  public record Candidate(Title title, double score, String reason) {}

  public static List<Candidate> select(List<Candidate> bestFirst, RecommenderConfig config) {
    Map<String, Integer> genres = new HashMap<>();
    Map<String, Integer> creators = new HashMap<>();
    List<Candidate> out = new ArrayList<>();
    for (Candidate c : bestFirst) {
      if (out.size() == config.topN()) {
        break;
      }
      if (genres.getOrDefault(c.title().genre, 0) >= config.maxPerGenre()
          || creators.getOrDefault(c.title().creator, 0) >= config.maxPerCreator()) {
        continue;
      }
      genres.merge(c.title().genre, 1, Integer::sum);
      creators.merge(c.title().creator, 1, Integer::sum);
      out.add(c);
    }
    return out;
  }
}
