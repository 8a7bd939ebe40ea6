package dev.segmentflow.cache.flink;

import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.popularity.PopularityKeys;
import dev.segmentflow.cache.popularity.PopularityRow;
import dev.segmentflow.cache.popularity.TitleActivity;
import dev.segmentflow.cache.popularity.TitlePopularity;
import dev.segmentflow.schemas.events.Directive;
import dev.segmentflow.schemas.events.ViewerEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by (region, asset): takes the title's combined segment activity (see {@link
 * CombineTitleActivity}) and its play requests, re-evaluates the title at every tick (so that decay
 * alone can demote it), emits its directives, and writes a popularity row to the {@link #ROWS} side
 * output. A title that has decayed away drops its state.
 */
public final class TitlePlannerFunction
    extends KeyedCoProcessFunction<String, TitleActivity, ViewerEvent, Directive> {
  public static final OutputTag<PopularityRow> ROWS = new OutputTag<>("popularity-rows") {};

  private final PopularityConfig config;
  private transient ValueState<TitlePopularity> title;
  // Segment activity arrives combined, about once per title and tick, and goes straight into the
  // title. Plays arrive one by one: they are appended (a write without a read) and folded in at
  // the tick, where updating the title per play would read and rewrite it each time.
  private transient ListState<PlayAt> plays;
  private transient Counter directives;
  private transient Counter late;

  public TitlePlannerFunction(PopularityConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext context) {
    title =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("title", TitlePopularitySerializer.INSTANCE));
    plays = getRuntimeContext().getListState(new ListStateDescriptor<>("plays", PlayAt.class));
    directives = getRuntimeContext().getMetricGroup().counter("directives");
    late = getRuntimeContext().getMetricGroup().counter("late_plays");
  }

  /** A play request and the tick it counts in. */
  public record PlayAt(long timeMillis, long tickMillis) {}

  @Override
  public void processElement1(TitleActivity a, Context ctx, Collector<Directive> out)
      throws Exception {
    TitlePopularity state = title.value();
    if (state == null) {
      state = new TitlePopularity(a.region, a.assetId);
    }
    state.recordActivity(a);
    title.update(state);
    ctx.timerService().registerEventTimeTimer(a.tickMillis);
  }

  @Override
  public void processElement2(ViewerEvent play, Context ctx, Collector<Directive> out)
      throws Exception {
    long tick = config.openTickFor(play.eventTimeMillis(), ctx.timerService().currentWatermark());
    if (tick != config.tickFor(play.eventTimeMillis())) {
      late.inc();
    }
    plays.add(new PlayAt(play.eventTimeMillis(), tick));
    ctx.timerService().registerEventTimeTimer(tick);
  }

  @Override
  public void onTimer(long t, OnTimerContext ctx, Collector<Directive> out) throws Exception {
    TitlePopularity state = title.value();
    boolean played = false;
    List<PlayAt> laterPlays = new ArrayList<>();
    for (PlayAt p : plays.get()) {
      if (p.tickMillis() <= t) {
        state = state != null ? state : fresh(ctx.getCurrentKey());
        state.recordPlay(p.timeMillis(), p.tickMillis());
        played = true;
      } else {
        laterPlays.add(p);
      }
    }
    if (played) {
      if (laterPlays.isEmpty()) {
        plays.clear();
      } else {
        plays.update(laterPlays);
      }
    }
    if (state == null || !state.due(t)) {
      return; // a timer the schedule has since moved past
    }
    TitlePopularity.Outcome outcome = state.tick(t, config);
    for (Directive d : outcome.directives()) {
      directives.inc();
      out.collect(d);
    }
    ctx.output(ROWS, outcome.row());
    if (outcome.keep()) {
      title.update(state);
      ctx.timerService().registerEventTimeTimer(state.nextTickMillis);
      return;
    }
    TitlePopularity afresh = state.laterInputs(t);
    if (afresh == null) {
      title.clear();
    } else {
      title.update(afresh); // the timers of its later ticks are registered already
    }
  }

  private static TitlePopularity fresh(String key) {
    String[] k = PopularityKeys.split(key);
    return new TitlePopularity(k[0], k[1]);
  }

  /** The key both inputs are partitioned by. */
  public static String key(String region, String assetId) {
    return PopularityKeys.title(region, assetId);
  }
}
