package dev.segmentflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.cache.policy.TraceRequest;
import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.popularity.PopularityLoop;
import dev.segmentflow.cache.popularity.PopularityRow;
import dev.segmentflow.cache.workload.TraceEvents;
import dev.segmentflow.cache.workload.VideoWorkload;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.Directive;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.flink.RecordTime;
import dev.segmentflow.testkit.CollectingSink;
import dev.segmentflow.testkit.FlinkMiniCluster;
import dev.segmentflow.testkit.RealServices;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The popularity job's logic on in-memory input and sinks: the directives it issues are exactly
 * those of the plain-Java {@link PopularityLoop} fed the same requests and plays.
 */
@ExtendWith(RealServices.class)
class PopularityJobTest {

  @Test
  void issuesExactlyTheDirectivesOfThePlainLoop(FlinkMiniCluster flink) throws Exception {
    var config = PopularityJobRestoreTest.CONFIG;
    VideoWorkload workload = new VideoWorkload(VideoWorkload.Spec.standard(5).sized(20, 600));
    long base = System.currentTimeMillis() - 48 * PopularityJobRestoreTest.HOURS;
    base -= base % config.tickMillis();
    List<EdgeRequest> requests = new ArrayList<>();
    List<ViewerEvent> plays = new ArrayList<>();
    Set<String> started = new HashSet<>();
    for (TraceRequest r : workload.generate()) {
      if (r.timeMillis() >= PopularityJobRestoreTest.HOURS) {
        break;
      }
      if (started.add(r.sessionId())) {
        plays.add(TraceEvents.play(r, base + r.timeMillis() - 500));
      }
      requests.add(TraceEvents.edgeRequest(r, base));
    }

    PopularityLoop.Collected truth = PopularityLoop.replay(config, requests, plays);
    assertThat(truth.directives).extracting(Directive::kind).contains(Directive.Kind.values());

    InMemoryInput edge = new InMemoryInput("edge.requests");
    for (int i = 0; i < requests.size(); i++) {
      edge.add(requests.get(i));
      if (i % 5 == 0) {
        // The edge also logs what it fetched ahead of demand: origin traffic, not popularity.
        edge.add(prefetchOf(requests.get(i)));
      }
    }
    edge.addRaw("{\"schemaVersion\":1,");
    InMemoryInput viewer = new InMemoryInput("viewer.events");
    plays.forEach(viewer::add);

    CollectingSink<Directive> directives = new CollectingSink<>();
    CollectingSink<PopularityRow> rows = new CollectingSink<>();
    CollectingSink<DeadLetter> letters = new CollectingSink<>();
    run(
        flink.environment(2),
        edge,
        viewer,
        config,
        new PopularityJob.Sinks(
            directives, new CollectingSink<>(), rows, letters, new CollectingSink<>()));

    assertThat(PopularityJobRestoreTest.sorted(directives.values()))
        .isEqualTo(PopularityJobRestoreTest.sorted(truth.directives));
    assertThat(rows.values()).hasSameSizeAs(truth.rows);
    assertThat(letters.values()).hasSize(1);
  }

  /**
   * A title watched, forgotten (it decays away) and watched again hours later, known from its
   * segment requests only. Read in one go, the later requests reach the title's state before the
   * ticks in between have fired; the title must still start afresh when it is dropped, as it does
   * in the time-ordered loop, and keep the requests that wait.
   */
  @Test
  void aTitleThatDecaysAwayAndReturnsStartsAfreshAsInTheLoop(FlinkMiniCluster flink)
      throws Exception {
    var config = PopularityJobRestoreTest.CONFIG;
    long base = System.currentTimeMillis() - 48 * PopularityJobRestoreTest.HOURS;
    base -= base % config.tickMillis();
    List<EdgeRequest> requests = new ArrayList<>();
    // One play of another title: the viewer stream cannot be empty.
    List<ViewerEvent> plays =
        List.of(
            TraceEvents.play(
                new TraceRequest(0, "t2/720p/0", 1, "eu", "t2", "720p", 0, "p"), base));
    for (long start : new long[] {0, 12 * PopularityJobRestoreTest.HOURS}) {
      for (int s = 0; s < 40; s++) {
        String session = "s" + start + "-" + s;
        long t = start + s * 7_000L;
        for (int seg = 0; seg < 20; seg++) {
          requests.add(
              TraceEvents.edgeRequest(
                  new TraceRequest(
                      t + seg * 4_000L,
                      "t1/720p/" + seg,
                      1_000_000,
                      "eu",
                      "t1",
                      "720p",
                      seg,
                      session),
                  base));
        }
      }
    }
    requests.sort(java.util.Comparator.comparingLong(EdgeRequest::requestTimeMillis));
    PopularityLoop.Collected truth = PopularityLoop.replay(config, requests, plays);
    assertThat(truth.directives).extracting(Directive::kind).contains(Directive.Kind.EVICT);

    InMemoryInput edge = new InMemoryInput("edge.requests");
    requests.forEach(edge::add);
    InMemoryInput viewer = new InMemoryInput("viewer.events");
    plays.forEach(viewer::add);
    CollectingSink<Directive> directives = new CollectingSink<>();
    run(
        flink.environment(1),
        edge,
        viewer,
        config,
        new PopularityJob.Sinks(
            directives,
            new CollectingSink<>(),
            new CollectingSink<>(),
            new CollectingSink<>(),
            new CollectingSink<>()));

    assertThat(PopularityJobRestoreTest.sorted(directives.values()))
        .isEqualTo(PopularityJobRestoreTest.sorted(truth.directives));
  }

  /** The job on RocksDB over in-memory topics, to the end of its input. */
  static EdgeRequest prefetchOf(EdgeRequest r) {
    return new EdgeRequest(
        r.schemaVersion(),
        r.requestId() + "-prefetch",
        r.edgeId(),
        r.region(),
        EdgeRequest.PREFETCH_METHOD,
        r.path(),
        r.assetId(),
        r.rendition(),
        r.segmentSequence(),
        r.objectType(),
        200,
        EdgeRequest.CacheStatus.MISS,
        r.bytes(),
        r.latencyMicros(),
        r.latencyMicros(),
        null,
        r.requestTimeMillis());
  }

  static void run(
      StreamExecutionEnvironment env,
      InMemoryInput edge,
      InMemoryInput viewer,
      PopularityConfig config,
      PopularityJob.Sinks sinks)
      throws Exception {
    env.configure(PopularityJob.rocksDb());
    PopularityJob.build(
        env,
        edge.timed(env, RecordTime.EDGE_REQUEST, PopularityJobRestoreTest.TIME),
        viewer.timed(env, RecordTime.VIEWER_EVENT, PopularityJobRestoreTest.TIME),
        config,
        sinks);
    env.execute("popularity-fast");
  }
}
