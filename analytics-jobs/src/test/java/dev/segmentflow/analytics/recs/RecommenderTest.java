package dev.segmentflow.analytics.recs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecommenderTest {
  static final long DAY = 86_400_000L;
  static final long NOW = 1_000 * DAY;
  final RecommenderConfig config = RecommenderConfig.defaults();

  static Title title(String id, String genre, String creator, long publishedAt) {
    Title t = new Title();
    t.assetId = id;
    t.genre = genre;
    t.creator = creator;
    t.durationSeconds = 1000;
    t.publishedAtMillis = publishedAt;
    return t;
  }

  static WatchedSession view(String viewer, String asset, long t, double furthest) {
    return new WatchedSession(
        viewer + "/" + asset + "/" + t, viewer, asset, "eu", furthest, t - 1, t);
  }

  @Test
  void onlySessionsPastTheWatchRatioAreViewsAndUnknownTitlesAreReported() {
    Recommender r = new Recommender();
    r.catalogue(title("a", "g", "c", 0));
    assertThat(r.record(view("v", "a", NOW, 499), config)).isEqualTo(Recommender.Outcome.TOO_SHORT);
    assertThat(r.record(view("v", "a", NOW, 500), config)).isEqualTo(Recommender.Outcome.VIEW);
    assertThat(r.record(view("v", "x", NOW, 900), config))
        .isEqualTo(Recommender.Outcome.UNKNOWN_ASSET);
    assertThat(r.watched("v", "a")).isTrue();
  }

  @Test
  void listsKeepTheGenreAndCreatorCapsAndLeaveOutWatchedTitles() {
    Recommender r = new Recommender();
    // 12 titles of one genre, 4 creators; 8 of other genres. Everyone who watched "seed" watched
    // all.
    r.catalogue(title("seed", "drama", "c0", 0));
    for (int i = 0; i < 20; i++) {
      r.catalogue(title("t" + i, i < 12 ? "drama" : "genre" + i, "c" + (i % 4), 0));
    }
    for (int v = 0; v < 30; v++) {
      long t = NOW - DAY + v * 1000L;
      r.record(view("v" + v, "seed", t, 900), config);
      for (int i = 0; i < 20; i++) {
        r.record(view("v" + v, "t" + i, t + i + 1, 900), config);
      }
    }
    r.record(view("me", "seed", NOW, 900), config);
    r.record(view("me", "t13", NOW, 900), config);
    List<Recommendation> list = r.recommend("me", "eu", NOW, config);

    assertThat(list).isNotEmpty().hasSizeLessThanOrEqualTo(10);
    Map<String, Integer> genres = new HashMap<>();
    Map<String, Integer> creators = new HashMap<>();
    for (Recommendation rec : list) {
      Title t = r.catalogue.get(rec.assetId());
      genres.merge(t.genre, 1, Integer::sum);
      creators.merge(t.creator, 1, Integer::sum);
    }
    assertThat(genres.get("drama")).isEqualTo(3); // 30% of 10, though drama scores highest
    assertThat(creators.values()).allMatch(n -> n <= 2); // 20% of 10
    assertThat(list).extracting(Recommendation::assetId).doesNotContain("seed", "t13");
    assertThat(list)
        .extracting(Recommendation::rank)
        .containsExactly(
            java.util.stream.IntStream.rangeClosed(1, list.size()).boxed().toArray(Integer[]::new));
  }

  @Test
  void aNewTitleOutranksAnOldOneWithTheSameSignals() {
    Recommender r = new Recommender();
    r.catalogue(title("seed", "g0", "c0", 0));
    r.catalogue(title("old", "g1", "c1", NOW - 300 * DAY));
    r.catalogue(title("new", "g2", "c2", NOW - DAY));
    for (int v = 0; v < 5; v++) {
      r.record(view("v" + v, "seed", NOW - 10_000 + v, 900), config);
      r.record(view("v" + v, "old", NOW - 5_000 + v, 900), config);
      r.record(view("v" + v, "new", NOW - 5_000 + v, 900), config);
    }
    r.record(view("me", "seed", NOW, 900), config);
    List<Recommendation> list = r.recommend("me", "eu", NOW, config);
    assertThat(list).extracting(Recommendation::assetId).startsWith("new", "old");
    assertThat(list.get(0).reason()).endsWith(", new");
    assertThat(list.get(0).score()).isGreaterThan(list.get(1).score() * 1.3);
  }

  @Test
  void neighboursPerTitleStayBounded() {
    RecommenderConfig small =
        new RecommenderConfig(
            10,
            0.5,
            300,
            5,
            200,
            20,
            config.coViewHalfLife(),
            config.trendingHalfLife(),
            0.3,
            0.2,
            0.3,
            0.2,
            0.5,
            config.freshnessHalfLife());
    Recommender r = new Recommender();
    for (int i = 0; i < 40; i++) {
      r.catalogue(title("t" + i, "g", "c", 0));
    }
    for (int v = 0; v < 3; v++) { // t0..t5 co-viewed three times over
      for (int i = 0; i < 6; i++) {
        r.record(view("v" + v, "t" + i, NOW + v * 100 + i, 900), small);
      }
    }
    r.record(view("x", "t0", NOW + 1000, 900), small);
    for (int i = 6; i < 40; i++) { // one-off co-views with t0 must not push out the strong ones
      r.record(view("x", "t" + i, NOW + 1000 + i, 900), small);
    }
    assertThat(r.coViews.neighbours.values()).allMatch(n -> n.size() <= 5);
    assertThat(r.coViews.neighboursOf("t0")).containsOnlyKeys("t1", "t2", "t3", "t4", "t5");
    assertThat(r.coViews.droppedPairs).isGreaterThan(0);
  }
}
