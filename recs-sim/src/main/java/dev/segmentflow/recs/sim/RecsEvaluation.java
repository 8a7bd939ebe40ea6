package dev.segmentflow.recs.sim;

import dev.segmentflow.analytics.recs.Recommender;
import dev.segmentflow.analytics.recs.RecommenderConfig;
import dev.segmentflow.analytics.recs.Title;
import dev.segmentflow.analytics.recs.WatchedSession;
import dev.segmentflow.analytics.recs.Weight;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Offline hit@N on a held-out split: each viewer's last view (for viewers with at least three views
 * before it) is held out. Sessions are replayed in time order; at a held-out view the viewer's list
 * is taken just before it, and so is the popularity baseline's (the most viewed titles, same decay,
 * watched ones left out). The held-out view itself is never recorded.
 */
public final class RecsEvaluation {
  private RecsEvaluation() {}

  public record Result(int heldOut, int hits, int baselineHits, long millis) {
    public double hitRate() {
      return heldOut == 0 ? 0 : (double) hits / heldOut;
    }

    public double baselineHitRate() {
      return heldOut == 0 ? 0 : (double) baselineHits / heldOut;
    }
  }

  /** Progress while it replays. */
  public interface Progress {
    void at(int sessionsDone, int sessions, int heldOutSoFar);
  }

  public static Result run(TasteClusters world, RecommenderConfig config) {
    return run(world, config, (d, n, h) -> {});
  }

  public static Result run(TasteClusters world, RecommenderConfig config, Progress progress) {
    long started = System.nanoTime();
    Map<String, Title> titles = new HashMap<>();
    world.titles.forEach(t -> titles.put(t.assetId, t));
    Map<String, List<WatchedSession>> viewsByViewer = new HashMap<>();
    for (WatchedSession s : world.sessions) {
      Title t = titles.get(s.assetId());
      if (s.furthestSeconds() >= config.minWatchRatio() * t.durationSeconds) {
        viewsByViewer.computeIfAbsent(s.viewerId(), v -> new ArrayList<>()).add(s);
      }
    }
    Set<String> heldOut = new HashSet<>();
    for (List<WatchedSession> views : viewsByViewer.values()) {
      if (views.size() >= 4) {
        heldOut.add(views.get(views.size() - 1).sessionId());
      }
    }

    Recommender r = new Recommender();
    world.titles.forEach(r::catalogue);
    int n = 0;
    int hits = 0;
    int baseline = 0;
    int done = 0;
    for (WatchedSession s : world.sessions) {
      if (++done % 5000 == 0) {
        progress.at(done, world.sessions.size(), n);
      }
      if (!heldOut.contains(s.sessionId())) {
        r.record(s, config);
        continue;
      }
      long t = s.endMillis() - 1;
      n++;
      if (r.recommend(s.viewerId(), s.region(), t, config).stream()
          .anyMatch(rec -> rec.assetId().equals(s.assetId()))) {
        hits++;
      }
      if (popular(r, s.viewerId(), t, config).contains(s.assetId())) {
        baseline++;
      }
    }
    return new Result(n, hits, baseline, (System.nanoTime() - started) / 1_000_000);
  }

  /** The baseline: the most viewed titles the viewer has not watched. */
  static List<String> popular(Recommender r, String viewer, long t, RecommenderConfig config) {
    List<Map.Entry<String, Weight>> all = new ArrayList<>(r.coViews.views.entrySet());
    all.sort(
        (a, b) -> {
          int c =
              Double.compare(
                  b.getValue().at(t, config.coViewHalfLife()),
                  a.getValue().at(t, config.coViewHalfLife()));
          return c != 0 ? c : a.getKey().compareTo(b.getKey());
        });
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Weight> e : all) {
      if (out.size() == config.topN()) {
        break;
      }
      if (!r.watched(viewer, e.getKey())) {
        out.add(e.getKey());
      }
    }
    return out;
  }
}
