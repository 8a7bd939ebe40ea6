package dev.segmentflow.schemas.flink;

import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * The watermark of one Kafka partition: bounded out-of-orderness over the record times it reads.
 * Once the partition has been silent for the idle timeout its watermark moves on by itself, so a
 * quiet partition stops holding the others back: from its own last record time at the wall clock's
 * pace (never past now minus the out-of-orderness and the idle timeout). So live data that stops
 * closes its sessions as time passes, while a partition of old data (a backfill, a catch-up) that
 * pauses moves only as far as the pause is long, instead of jumping to now and turning the rest of
 * its backlog into late data.
 *
 * <p>A generator that has never seen a record (an empty partition, and also the source's main
 * output, which Flink gives a generator of its own although the Kafka source emits every record
 * through a split's output) has no time of its own to move from: it announces IDLE, so it is left
 * out of the minimum instead of holding everything back. It used to follow the wall clock, and the
 * main output's generator then carried the whole source to now during any pause of a catch-up of
 * old data, turning the rest of the backlog into LATE letters (found by
 * RecommendationJobCatchUpTest).
 *
 * <p>Partitions that have records never announce IDLE; this stands in for {@code
 * WatermarkStrategy.withIdleness}: in Flink 1.20, once every split of a source is idle the source's
 * output drops watermarks, the final MAX watermark of stop-with-savepoint --drain included
 * (FLINK-40499), so a drained job fired no event-time timer and closed no session. Records without
 * a usable time ({@link RecordTime#NO_TIME}) count as activity but move nothing.
 */
public final class SplitWatermarks implements WatermarkGenerator<RawRecord> {
  private final long outOfOrdernessMillis;
  private final long idleMillis;
  private final LongSupplier clock;
  private long maxTimestamp = Long.MIN_VALUE;
  private long lastActivity;
  private long emitted = Long.MIN_VALUE;
  private boolean idle;

  public SplitWatermarks(long outOfOrdernessMillis, long idleMillis, LongSupplier clock) {
    this.outOfOrdernessMillis = outOfOrdernessMillis;
    this.idleMillis = idleMillis;
    this.clock = clock;
    this.lastActivity = clock.getAsLong();
  }

  @Override
  public void onEvent(RawRecord record, long timestamp, WatermarkOutput output) {
    lastActivity = clock.getAsLong();
    if (timestamp != RecordTime.NO_TIME) {
      maxTimestamp = Math.max(maxTimestamp, timestamp);
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    long now = clock.getAsLong();
    long silent = now - lastActivity;
    if (maxTimestamp == Long.MIN_VALUE) {
      if (silent >= idleMillis && !idle) {
        idle = true;
        output.markIdle();
      }
      return;
    }
    if (idle) {
      idle = false;
      output.markActive();
    }
    long mark = maxTimestamp - outOfOrdernessMillis - 1;
    if (silent >= idleMillis) {
      long wall = now - outOfOrdernessMillis - idleMillis;
      mark = Math.max(mark, Math.min(wall, mark + silent - idleMillis));
    }
    if (mark > emitted) {
      emitted = mark;
      output.emitWatermark(new Watermark(mark));
    }
  }
}
