package dev.segmentflow.schemas.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class SplitWatermarksTest {
  static final long OOO = 30_000;
  static final long IDLE = 5_000;
  static final long NOW = 1_800_000_000_000L;

  final AtomicLong clock = new AtomicLong(NOW);
  final List<Long> marks = new ArrayList<>();
  final List<String> status = new ArrayList<>();
  final WatermarkOutput out =
      new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark w) {
          marks.add(w.getTimestamp());
        }

        @Override
        public void markIdle() {
          status.add("idle");
        }

        @Override
        public void markActive() {
          status.add("active");
        }
      };
  final SplitWatermarks split = new SplitWatermarks(OOO, IDLE, clock::get);

  @Test
  void followsTheRecordsItReadsWithTheOutOfOrdernessBound() {
    long old = NOW - 86_400_000L; // a backfill of yesterday
    split.onEvent(null, old, out);
    split.onEvent(null, old + 10_000, out);
    split.onEvent(null, old + 4_000, out); // out of order: no step back
    split.onPeriodicEmit(out);
    assertThat(marks).containsExactly(old + 10_000 - OOO - 1);
  }

  @Test
  void aSplitThatNeverHadARecordGoesIdleSoItHoldsNothingBack() {
    split.onPeriodicEmit(out);
    assertThat(status).as("nothing read, not yet silent for long").isEmpty();
    clock.addAndGet(IDLE);
    split.onPeriodicEmit(out);
    split.onPeriodicEmit(out);
    // no time of its own to move from: left out of the minimum, never carried to now
    assertThat(status).containsExactly("idle");
    assertThat(marks).isEmpty();
  }

  @Test
  void aSilentSplitOfOldDataMovesOnlyAsFarAsTheSilenceIsLong() {
    long old = NOW - 86_400_000L; // a backfill of yesterday that pauses
    split.onEvent(null, old, out);
    clock.addAndGet(IDLE);
    split.onPeriodicEmit(out);
    clock.addAndGet(60_000);
    split.onPeriodicEmit(out);
    // a minute of silence moves it a minute, not to today: the rest of the backfill is not late
    assertThat(marks).containsExactly(old - OOO - 1, old - OOO - 1 + 60_000);
    split.onEvent(null, old + 90_000, out);
    split.onPeriodicEmit(out);
    assertThat(marks).last().isEqualTo(old + 90_000 - OOO - 1);
  }

  @Test
  void aSilentSplitOfLiveDataFollowsTheClock() {
    split.onEvent(null, NOW - 1_000, out); // a record that took a second to arrive
    clock.addAndGet(10 * 60_000L);
    split.onPeriodicEmit(out);
    // ten minutes on, at the clock's pace, still a second behind it as its data was
    assertThat(marks).containsExactly(clock.get() - 1_000 - OOO - 1 - IDLE);
  }

  @Test
  void recordsWithoutATimeAreActivityButMoveNothing() {
    split.onEvent(null, RecordTime.NO_TIME, out);
    clock.addAndGet(IDLE - 1);
    split.onPeriodicEmit(out);
    assertThat(marks).isEmpty();
  }

  @Test
  void anIdleSplitWakesUpWithItsFirstRecord() {
    clock.addAndGet(IDLE);
    split.onPeriodicEmit(out);
    split.onEvent(null, NOW - 3_600_000L, out); // an hour-old record after the silence
    split.onPeriodicEmit(out);
    assertThat(status).containsExactly("idle", "active");
    assertThat(marks).containsExactly(NOW - 3_600_000L - OOO - 1);
  }

  @Test
  void aSplitWithRecordsNeverAnnouncesIdleSoADrainIsNotLost() {
    split.onEvent(null, NOW - 86_400_000L, out);
    clock.addAndGet(3_600_000L);
    split.onPeriodicEmit(out);
    assertThat(status).isEmpty();
  }
}
