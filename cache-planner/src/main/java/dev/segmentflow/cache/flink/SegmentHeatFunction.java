package dev.segmentflow.cache.flink;

import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.popularity.PopularityKeys;
import dev.segmentflow.cache.popularity.SegmentActivity;
import dev.segmentflow.cache.popularity.SegmentHeat;
import dev.segmentflow.schemas.events.EdgeRequest;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by (region, asset, rendition, segment): counts requests per tick and, when the watermark
 * passes a tick, hands the segment's activity on to its title. Idle segments drop their state.
 */
public final class SegmentHeatFunction
    extends KeyedProcessFunction<String, EdgeRequest, SegmentActivity> {
  private final PopularityConfig config;
  private transient ValueState<SegmentHeat> heat;
  private transient Counter late;

  public SegmentHeatFunction(PopularityConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext context) {
    heat = getRuntimeContext().getState(new ValueStateDescriptor<>("heat", SegmentHeat.class));
    late = getRuntimeContext().getMetricGroup().counter("late_requests");
  }

  @Override
  public void processElement(EdgeRequest r, Context ctx, Collector<SegmentActivity> out)
      throws Exception {
    long tick = config.openTickFor(r.requestTimeMillis(), ctx.timerService().currentWatermark());
    if (tick != config.tickFor(r.requestTimeMillis())) {
      late.inc(); // still counted, in the next tick that has not fired
    }
    SegmentHeat h = heat.value();
    if (h == null) {
      h = new SegmentHeat();
    }
    h.record(tick, r.bytes());
    heat.update(h);
    ctx.timerService().registerEventTimeTimer(tick);
  }

  @Override
  public void onTimer(long t, OnTimerContext ctx, Collector<SegmentActivity> out) throws Exception {
    SegmentHeat h = heat.value();
    if (h == null) {
      return;
    }
    String[] k = PopularityKeys.split(ctx.getCurrentKey());
    SegmentActivity a = h.tick(t, k[0], k[1], k[2], Integer.parseInt(k[3]), config);
    if (a != null) {
      out.collect(a);
    }
    if (h.idleAt(t, config)) {
      heat.clear();
      return;
    }
    heat.update(h);
    if (!h.hasPending()) {
      ctx.timerService().registerEventTimeTimer(h.idleUntil(config));
    }
  }
}
