package dev.segmentflow.transcode.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SplitPlannerTest {
  @Test
  void cutsAtTheKeyframeNearestEachTarget() {
    // keyframes every 2 s over 20 s: 6 s pieces, the remainder (2 s) is the last piece
    List<Double> keys = List.of(0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0);
    assertThat(SplitPlanner.cuts(keys, 20.0, 6)).hasValue(List.of(0.0, 6.0, 12.0, 18.0));
  }

  @Test
  void irregularKeyframesGiveNearTargetPieces() {
    List<Double> keys = List.of(0.0, 5.0, 11.5, 13.0, 17.0);
    // 5.0 is nearer 6 than 11.5; then 11.5 (6.5 after 5) beats 13.0; then 17.0 (want 17.5)
    assertThat(SplitPlanner.cuts(keys, 22.0, 6)).hasValue(List.of(0.0, 5.0, 11.5, 17.0));
  }

  @Test
  void noPlanWhenTheGopIsLongerThanOneAndAHalfTargets() {
    // vtest.avi: a keyframe every 25 s
    assertThat(SplitPlanner.cuts(List.of(0.0, 25.0, 50.0, 75.0), 79.5, 6)).isEmpty();
  }

  @Test
  void aShortSourceIsOnePiece() {
    assertThat(SplitPlanner.cuts(List.of(0.0), 4.0, 6)).hasValue(List.of(0.0));
    assertThat(SplitPlanner.cuts(List.of(0.0), 8.0, 6)).hasValue(List.of(0.0));
    assertThat(SplitPlanner.cuts(List.of(0.0), 9.5, 6)).isEmpty();
  }

  @Test
  void startsWhereTheVideoStarts() {
    assertThat(SplitPlanner.cuts(List.of(1.4, 7.4, 13.4), 15.0, 6))
        .hasValue(List.of(1.4, 7.4, 13.4));
  }
}
