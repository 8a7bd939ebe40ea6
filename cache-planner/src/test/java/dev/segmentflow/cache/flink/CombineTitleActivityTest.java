package dev.segmentflow.cache.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.popularity.TitleActivity;
import dev.segmentflow.schemas.events.EdgeRequest;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class CombineTitleActivityTest {
  static final long MIN = 60_000;
  final PopularityConfig config = PopularityConfig.defaults();

  @Test
  void holdsATicksRequestsUntilTheWatermarkPassesItThenEmitsThemAheadOfTheWatermark()
      throws Exception {
    try (var h = harness()) {
      h.processElement(request("a", 3, 10_000), 10_000);
      h.processElement(request("a", 4, 20_000), 20_000);
      h.processElement(request("a", 5, MIN + 1_000), MIN + 1_000);
      h.processWatermark(new Watermark(30_000));
      assertThat(activities(h)).isEmpty();

      h.processWatermark(new Watermark(MIN));
      List<Object> out = new ArrayList<>(h.getOutput());
      assertThat(out).hasSize(3); // watermark 30 s, the tick's activity, watermark 60 s
      TitleActivity a = (TitleActivity) ((StreamRecord<?>) out.get(1)).getValue();
      assertThat(a.tickMillis).isEqualTo(MIN);
      assertThat(a.requests).containsExactly(2);
      assertThat(a.segments[0]).containsExactly(3, 4);
      assertThat(out.get(2)).isEqualTo(new Watermark(MIN));
    }
  }

  @Test
  void handsOnEverythingItHoldsBeforeACheckpointBarrier() throws Exception {
    try (var h = harness()) {
      h.processElement(request("a", 3, 10_000), 10_000);
      h.processElement(request("b", 0, 5 * MIN), 5 * MIN);
      h.prepareSnapshotPreBarrier(1);
      assertThat(activities(h)).extracting(a -> a.assetId).containsExactlyInAnyOrder("a", "b");
      h.processWatermark(new Watermark(10 * MIN));
      assertThat(activities(h)).hasSize(2); // nothing held back, nothing sent twice
    }
  }

  @Test
  void aRequestBehindTheWatermarkCountsInTheNextTickStillOpen() throws Exception {
    try (var h = harness()) {
      h.processWatermark(new Watermark(3 * MIN + 5_000));
      h.processElement(request("a", 3, MIN + 10), MIN + 10);
      h.processWatermark(new Watermark(4 * MIN));
      assertThat(activities(h)).extracting(a -> a.tickMillis).containsExactly(4 * MIN);
    }
  }

  private OneInputStreamOperatorTestHarness<EdgeRequest, TitleActivity> harness() throws Exception {
    var h = new OneInputStreamOperatorTestHarness<>(new CombineTitleActivity(config));
    h.open();
    return h;
  }

  private static List<TitleActivity> activities(
      OneInputStreamOperatorTestHarness<EdgeRequest, TitleActivity> h) {
    return h.extractOutputValues();
  }

  private static EdgeRequest request(String asset, int segment, long time) {
    return new EdgeRequest(
        EdgeRequest.VERSION,
        "r-" + asset + segment + "-" + time,
        "edge-eu-1",
        "eu",
        "GET",
        "/" + asset + "/720p/" + segment + ".ts",
        asset,
        "720p",
        segment,
        EdgeRequest.ObjectType.SEGMENT,
        200,
        EdgeRequest.CacheStatus.HIT,
        1000L,
        100L,
        null,
        "s1",
        time);
  }
}
