package dev.segmentflow.analytics.flink;

import dev.segmentflow.analytics.recs.RecommendationList;
import dev.segmentflow.analytics.recs.Recommender;
import dev.segmentflow.analytics.recs.RecommenderConfig;
import dev.segmentflow.analytics.recs.Title;
import dev.segmentflow.analytics.recs.WatchedSession;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.validation.ReasonCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
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
 * The model, under a single key: co-viewing links any two titles, so it is one state. Sessions wait
 * for the refresh tick their end falls in, and the tick is taken only once the watermark is {@code
 * settle} past it, when every session ending in it has arrived; then they are applied in (end,
 * session) order and every viewer with a new view gets a fresh list computed as of the tick, so the
 * output does not depend on arrival order. Catalogue entries apply as they arrive.
 */
public final class RecommendationFunction
    extends KeyedCoProcessFunction<String, WatchedSession, Title, RecommendationList> {
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("recs-model-dead-letters") {};

  /** The one key the model lives under. */
  public static final String MODEL = "model";

  private final RecommenderConfig config;
  private final long refreshMillis;
  private final long settleMillis;
  private final String sourceTopic;
  private transient ValueState<Recommender> model;
  private transient ListState<WatchedSession> pending;
  private transient Counter views;
  private transient Counter tooShort;
  private transient Counter unknown;
  private transient Counter lists;

  /**
   * @param settle how long after a session's end it may still arrive: a silent session is handed on
   *     only when the inactivity timeout has passed, with the end at its last event
   */
  public RecommendationFunction(
      RecommenderConfig config, Duration refresh, Duration settle, String sourceTopic) {
    this.config = config;
    this.refreshMillis = refresh.toMillis();
    this.settleMillis = settle.toMillis();
    this.sourceTopic = sourceTopic;
  }

  @Override
  public void open(OpenContext context) {
    model = getRuntimeContext().getState(new ValueStateDescriptor<>("model", Recommender.class));
    pending =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("pending", WatchedSession.class));
    var group = getRuntimeContext().getMetricGroup().addGroup("recs");
    views = group.counter("views");
    tooShort = group.counter("sessions_too_short");
    unknown = group.counter("sessions_unknown_asset");
    lists = group.counter("lists");
  }

  /** The refresh tick a time falls in: the end of its refresh interval. */
  public static long tickFor(long timeMillis, long refreshMillis) {
    return Math.floorDiv(timeMillis, refreshMillis) * refreshMillis + refreshMillis - 1;
  }

  @Override
  public void processElement1(WatchedSession s, Context ctx, Collector<RecommendationList> out)
      throws Exception {
    pending.add(s);
    ctx.timerService().registerEventTimeTimer(tickFor(s.endMillis(), refreshMillis) + settleMillis);
  }

  @Override
  public void processElement2(Title t, Context ctx, Collector<RecommendationList> out)
      throws Exception {
    Recommender m = current();
    m.catalogue(t);
    model.update(m);
  }

  @Override
  public void onTimer(long timer, OnTimerContext ctx, Collector<RecommendationList> out)
      throws Exception {
    long t = timer - settleMillis; // the tick whose sessions have all arrived by now
    List<WatchedSession> due = new ArrayList<>();
    List<WatchedSession> later = new ArrayList<>();
    for (WatchedSession s : pending.get()) {
      (s.endMillis() <= t ? due : later).add(s);
    }
    if (due.isEmpty()) {
      return;
    }
    pending.update(later);
    due.sort(
        Comparator.comparingLong(WatchedSession::endMillis)
            .thenComparing(WatchedSession::sessionId));
    Recommender m = current();
    TreeMap<String, String> refreshed = new TreeMap<>(); // viewer -> region of the latest view
    for (WatchedSession s : due) {
      switch (m.record(s, config)) {
        case VIEW -> {
          views.inc();
          refreshed.put(s.viewerId(), s.region());
        }
        case TOO_SHORT -> tooShort.inc();
        case UNKNOWN_ASSET -> {
          unknown.inc();
          ctx.output(
              DEAD_LETTERS,
              TimeLetters.of(
                  sourceTopic,
                  s,
                  ReasonCode.INCONSISTENT,
                  "assetId",
                  "asset " + s.assetId() + " is not in the catalogue",
                  s.endMillis()));
        }
      }
    }
    for (var v : refreshed.entrySet()) {
      lists.inc();
      out.collect(
          RecommendationList.of(
              v.getKey(), v.getValue(), t, m.recommend(v.getKey(), v.getValue(), t, config)));
    }
    model.update(m);
  }

  private Recommender current() throws Exception {
    Recommender m = model.value();
    return m != null ? m : new Recommender();
  }
}
