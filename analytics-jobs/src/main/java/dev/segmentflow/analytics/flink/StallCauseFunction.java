package dev.segmentflow.analytics.flink;

import dev.segmentflow.analytics.qoe.StallAttributor;
import dev.segmentflow.analytics.qoe.StallCause;
import dev.segmentflow.analytics.qoe.Waiting;
import dev.segmentflow.schemas.events.EdgeRequest;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by session id (the player's, and CMCD {@code sid} at the edge): keeps the session's recent
 * segment requests from edge.requests and attributes each waiting stretch the session machine
 * reports once event time has passed its end, so every request made before that end is in. Requests
 * are kept for {@link #KEEP_MS} of event time, pruned by at most one timer a minute per session; a
 * session with nothing left holds no state.
 */
public final class StallCauseFunction
    extends KeyedCoProcessFunction<String, Waiting, EdgeRequest, StallCause> {
  static final long KEEP_MS = 5 * 60_000L;

  private transient ListState<StallAttributor.Request> requests;
  private transient ListState<Waiting> pending;
  private transient Counter attributed;

  @Override
  public void open(OpenContext context) {
    requests =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>("segment-requests", StallAttributor.Request.class));
    pending = getRuntimeContext().getListState(new ListStateDescriptor<>("waiting", Waiting.class));
    attributed = getRuntimeContext().getMetricGroup().addGroup("qoe").counter("stalls_attributed");
  }

  @Override
  public void processElement1(Waiting w, Context ctx, Collector<StallCause> out) throws Exception {
    pending.add(w);
    ctx.timerService().registerEventTimeTimer(w.endMillis());
  }

  @Override
  public void processElement2(EdgeRequest r, Context ctx, Collector<StallCause> out)
      throws Exception {
    if (r.objectType() != EdgeRequest.ObjectType.SEGMENT) {
      return;
    }
    requests.add(
        new StallAttributor.Request(
            r.requestTimeMillis(),
            r.rendition(),
            r.segmentSequence(),
            r.cacheStatus(),
            r.bytes(),
            r.latencyMicros(),
            r.originLatencyMicros()));
    // rounded up to a minute: one pruning timer per session and minute, not one per request
    long prune = r.requestTimeMillis() + KEEP_MS;
    ctx.timerService().registerEventTimeTimer(prune - Math.floorMod(prune, 60_000L) + 60_000L);
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<StallCause> out) throws Exception {
    List<StallAttributor.Request> seen = new ArrayList<>();
    requests.get().forEach(seen::add);
    List<Waiting> later = new ArrayList<>();
    boolean attributedAny = false;
    for (Waiting w : pending.get()) {
      if (w.endMillis() <= ts) {
        out.collect(StallAttributor.attribute(w, seen));
        attributed.inc();
        attributedAny = true;
      } else {
        later.add(w);
      }
    }
    if (attributedAny) {
      pending.update(later);
    }
    // a waiting stretch looks back LOOKBACK_MS < KEEP_MS: older requests can no longer matter
    List<StallAttributor.Request> kept = new ArrayList<>();
    for (StallAttributor.Request r : seen) {
      if (r.requestTimeMillis() + KEEP_MS > ts) {
        kept.add(r);
      }
    }
    if (kept.size() < seen.size()) {
      requests.update(kept);
    }
  }
}
