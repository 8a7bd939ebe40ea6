package dev.segmentflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.analytics.recs.Recommendation;
import dev.segmentflow.analytics.recs.RecommendationList;
import dev.segmentflow.analytics.recs.WatchedSession;
import dev.segmentflow.recs.sim.TasteClusters;
import dev.segmentflow.recs.sim.WorldRecords;
import dev.segmentflow.schemas.events.AssetCatalogueEntry;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.flink.EventTimeOptions;
import dev.segmentflow.schemas.flink.RecordTime;
import dev.segmentflow.testkit.CollectingSink;
import dev.segmentflow.testkit.FlinkMiniCluster;
import dev.segmentflow.testkit.RealServices;
import java.time.Duration;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The recommendation job's logic on in-memory input and sinks: every list it writes is the one the
 * plain model computes for the same views at the same tick.
 */
@ExtendWith(RealServices.class)
class RecommendationJobTest {

  @Test
  void writesTheListsOfThePlainModel(FlinkMiniCluster flink) throws Exception {
    long day = 86_400_000L;
    long start = (System.currentTimeMillis() - 10 * day) / day * day;
    TasteClusters world =
        new TasteClusters(new TasteClusters.Spec(3, 60, 4, 6, 20, 60, 4, 8, 0.8, start, day));
    InMemoryInput events = new InMemoryInput("viewer.events");
    for (WatchedSession s : world.sessions) {
      // Heartbeats every 5 minutes: the job closes a session silent for 10.
      WorldRecords.events(s, RecommendationJobRestoreTest.HEARTBEAT, false).forEach(events::add);
    }
    InMemoryInput catalogue = new InMemoryInput("asset.catalogue");
    world.titles.forEach(t -> catalogue.add(WorldRecords.entry(t)));
    var expected = RecommendationJobRestoreTest.plainLists(world, world.sessions);
    assertThat(expected.lists()).isGreaterThan(20);

    StreamExecutionEnvironment env = flink.environment(1);
    env.configure(RecommendationJob.heapState());
    EventTimeOptions time =
        new EventTimeOptions(
            Duration.ofSeconds(30),
            Duration.ofMinutes(5),
            Duration.ofMinutes(10),
            Duration.ofMinutes(30));
    CollectingSink<RecommendationList> lists = new CollectingSink<>();
    CollectingSink<AssetCatalogueEntry> titles = new CollectingSink<>();
    CollectingSink<DeadLetter> letters = new CollectingSink<>();
    RecommendationJob.build(
        env,
        events.timed(env, RecordTime.VIEWER_EVENT, time),
        catalogue.stream(env),
        new RecommendationJob.Settings(
            time,
            RecommendationJobRestoreTest.REFRESH,
            RecommendationJob.Settings.defaults().recommender(),
            "viewer.events"),
        new RecommendationJob.Sinks(lists, titles, letters, new CollectingSink<>()));
    env.execute("recs-fast");

    // A viewer's newest list replaces the older ones whole, as in the table.
    TreeMap<String, RecommendationList> latest = new TreeMap<>();
    for (RecommendationList l : lists.values()) {
      latest.merge(l.viewerId(), l, (a, b) -> a.computedAtMillis() >= b.computedAtMillis() ? a : b);
    }
    TreeMap<String, String> actual = new TreeMap<>();
    for (RecommendationList l : latest.values()) {
      for (Recommendation r : l.items()) {
        actual.put(r.viewerId() + "#" + r.rank(), RecommendationJobRestoreTest.row(r));
      }
    }
    assertThat(actual).isEqualTo(expected.rows());
    assertThat(titles.values()).hasSize(world.titles.size());
    assertThat(letters.values()).isEmpty();
  }
}
