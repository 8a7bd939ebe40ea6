package dev.segmentflow.cache.flink;

import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.popularity.PopularityKeys;
import dev.segmentflow.cache.popularity.PopularityRow;
import dev.segmentflow.cache.popularity.SegmentActivity;
import dev.segmentflow.cache.popularity.TitlePopularity;
import dev.segmentflow.schemas.events.Directive;
import dev.segmentflow.schemas.events.ViewerEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by (region, asset): takes segment activity and play requests, re-evaluates the title at
 * every tick (so that decay alone can demote it), emits its directives, and writes a popularity row
 * to the {@link #ROWS} side output. A title that has decayed away drops its state.
 */
public final class TitlePlannerFunction
    extends KeyedCoProcessFunction<String, SegmentActivity, ViewerEvent, Directive> {
  public static final OutputTag<PopularityRow> ROWS = new OutputTag<>("popularity-rows") {};

  private final PopularityConfig config;
  private transient ValueState<TitlePopularity> title;
  private transient Counter directives;
  private transient Counter late;

  public TitlePlannerFunction(PopularityConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext context) {
    title =
        getRuntimeContext().getState(new ValueStateDescriptor<>("title", TitlePopularity.class));
    directives = getRuntimeContext().getMetricGroup().counter("directives");
    late = getRuntimeContext().getMetricGroup().counter("late_plays");
  }

  @Override
  public void processElement1(SegmentActivity a, Context ctx, Collector<Directive> out)
      throws Exception {
    TitlePopularity t = current(a.region(), a.assetId());
    t.recordActivity(a);
    title.update(t);
    ctx.timerService().registerEventTimeTimer(a.tickMillis());
  }

  @Override
  public void processElement2(ViewerEvent play, Context ctx, Collector<Directive> out)
      throws Exception {
    long tick = config.tickFor(play.eventTimeMillis());
    if (tick <= ctx.timerService().currentWatermark()) {
      late.inc();
      tick = config.tickFor(ctx.timerService().currentWatermark());
    }
    TitlePopularity t = current(play.region(), play.assetId());
    t.recordPlay(play.eventTimeMillis(), tick);
    title.update(t);
    ctx.timerService().registerEventTimeTimer(tick);
  }

  @Override
  public void onTimer(long t, OnTimerContext ctx, Collector<Directive> out) throws Exception {
    TitlePopularity state = title.value();
    if (state == null) {
      return;
    }
    TitlePopularity.Outcome outcome = state.tick(t, config);
    for (Directive d : outcome.directives()) {
      directives.inc();
      out.collect(d);
    }
    ctx.output(ROWS, outcome.row());
    if (outcome.keep()) {
      title.update(state);
      ctx.timerService().registerEventTimeTimer(t + config.tickMillis());
    } else {
      title.clear();
    }
  }

  private TitlePopularity current(String region, String assetId) throws Exception {
    TitlePopularity t = title.value();
    return t != null ? t : new TitlePopularity(region, assetId);
  }

  /** The key both inputs are partitioned by. */
  public static String key(String region, String assetId) {
    return PopularityKeys.title(region, assetId);
  }
}
