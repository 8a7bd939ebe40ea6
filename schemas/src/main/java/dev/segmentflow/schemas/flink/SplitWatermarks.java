package dev.segmentflow.schemas.flink;

import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * The watermark of one Kafka partition: bounded out-of-orderness over the record times it reads.
 * Once the partition has been silent for the idle timeout its watermark moves on by itself, so a
 * quiet partition stops holding the others back: from its own last record time at the wall clock's
 * pace (never past now minus the out-of-orderness and the idle timeout), or, for a partition that
 * never had a record, with the wall clock. So live data that stops closes its sessions as time
 * passes, while a partition of old data (a backfill, a catch-up) that pauses moves only as far as
 * the pause is long, instead of jumping to now and turning the rest of its backlog into late data.
 *
 * <p>This stands in for {@code WatermarkStrategy.withIdleness}, which marks the split IDLE instead:
 * in Flink 1.20, once every split of a source is idle the source's output drops watermarks, the
 * final MAX watermark of stop-with-savepoint --drain included (FLINK-40499), so a drained job fired
 * no event-time timer and closed no session. Records without a usable time ({@link
 * RecordTime#NO_TIME}) count as activity but move nothing.
 */
public final class SplitWatermarks implements WatermarkGenerator<RawRecord> {
  private final long outOfOrdernessMillis;
  private final long idleMillis;
  private final LongSupplier clock;
  private long maxTimestamp = Long.MIN_VALUE;
  private long lastActivity;
  private long emitted = Long.MIN_VALUE;

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
    long mark =
        maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : maxTimestamp - outOfOrdernessMillis - 1;
    long silent = now - lastActivity;
    if (silent >= idleMillis) {
      long wall = now - outOfOrdernessMillis - idleMillis;
      mark =
          maxTimestamp == Long.MIN_VALUE
              ? Math.max(mark, wall)
              : Math.max(mark, Math.min(wall, mark + silent - idleMillis));
    }
    if (mark > emitted) {
      emitted = mark;
      output.emitWatermark(new Watermark(mark));
    }
  }
}
