package dev.segmentflow.cache.flink;

import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.popularity.TitleActivity;
import dev.segmentflow.cache.popularity.TitleActivityCombiner;
import dev.segmentflow.schemas.events.EdgeRequest;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Served segments -> one {@link TitleActivity} per title and tick, summed on the heap of each
 * subtask before the keyed title state, as mini-batch / local-global aggregation does: one state
 * write per title and tick instead of one per request. A tick's sums go on when the watermark
 * passes it; whatever is held goes on before each checkpoint barrier and at the end of input, so
 * the operator keeps no state of its own and a restore neither loses nor doubles a request. Early
 * partial sums are harmless: the title adds up whatever arrives for a tick before it fires.
 *
 * <p>A request behind the watermark (its tick already fired downstream) counts in the next tick
 * that has not, as a late request.
 */
public final class CombineTitleActivity extends AbstractStreamOperator<TitleActivity>
    implements OneInputStreamOperator<EdgeRequest, TitleActivity> {
  private static final long serialVersionUID = 1L;

  private final PopularityConfig config;
  private transient TitleActivityCombiner combiner;
  private transient long watermark;
  private transient Counter late;

  public CombineTitleActivity(PopularityConfig config) {
    this.config = config;
    setChainingStrategy(ChainingStrategy.ALWAYS);
  }

  @Override
  public void open() throws Exception {
    super.open();
    combiner = new TitleActivityCombiner();
    watermark = Long.MIN_VALUE;
    late = getMetricGroup().counter("late_requests");
  }

  @Override
  public void processElement(StreamRecord<EdgeRequest> element) {
    EdgeRequest r = element.getValue();
    long tick = config.openTickFor(r.requestTimeMillis(), watermark);
    if (tick != config.tickFor(r.requestTimeMillis())) {
      late.inc();
    }
    combiner.add(r.region(), r.assetId(), r.rendition(), r.segmentSequence(), r.bytes(), tick);
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    watermark = Math.max(watermark, mark.getTimestamp());
    combiner.flushThrough(watermark, this::emit);
    super.processWatermark(mark);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    combiner.flushAll(this::emit);
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void finish() throws Exception {
    combiner.flushAll(this::emit);
    super.finish();
  }

  private void emit(TitleActivity a) {
    output.collect(new StreamRecord<>(a, a.tickMillis));
  }
}
