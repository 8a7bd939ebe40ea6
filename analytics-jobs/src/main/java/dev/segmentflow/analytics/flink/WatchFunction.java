package dev.segmentflow.analytics.flink;

import dev.segmentflow.analytics.recs.WatchedSession;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import dev.segmentflow.schemas.flink.EventTimeOptions;
import dev.segmentflow.schemas.validation.ReasonCode;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by session: how far the viewer got (the furthest position any event reports). Events wait
 * until the watermark passes them and are folded in time order; the session is handed on at its end
 * event (or fatal error), or when its last event is older than the inactivity timeout. Events after
 * the end, for a session already handed on, or behind the watermark go to {@link #DEAD_LETTERS}.
 */
public final class WatchFunction extends KeyedProcessFunction<String, ViewerEvent, WatchedSession> {
  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("recs-dead-letters") {};

  /** Flink POJO state. */
  public static final class Watch {
    public String viewerId;
    public String assetId;
    public String region;
    public double furthestSeconds;
    public long startMillis = Long.MAX_VALUE;
    public long lastMillis = Long.MIN_VALUE;
    public long endMillis = -1;
    public long handedOnMillis = -1;
  }

  private final long inactivityMillis;
  private final long retentionMillis;
  private final String sourceTopic;
  private transient ValueState<Watch> watch;
  private transient WatermarkBuffer buffer;
  private transient Counter handedOn;
  private transient Counter afterwards;

  /** Sessions are handed on after {@code time}'s inactivity and remembered for its retention. */
  public WatchFunction(EventTimeOptions time, String sourceTopic) {
    this.inactivityMillis = time.inactivity().toMillis();
    this.retentionMillis = time.retention().toMillis();
    this.sourceTopic = sourceTopic;
  }

  @Override
  public void open(OpenContext context) {
    watch = getRuntimeContext().getState(new ValueStateDescriptor<>("watch", Watch.class));
    buffer = new WatermarkBuffer(getRuntimeContext());
    var group = getRuntimeContext().getMetricGroup().addGroup("recs");
    handedOn = group.counter("sessions_handed_on");
    afterwards = group.counter("events_after_hand_on");
  }

  @Override
  public void processElement(ViewerEvent e, Context ctx, Collector<WatchedSession> out)
      throws Exception {
    // Held until the watermark passes it, then folded in time order: an event after the end is
    // only known to be one once the end has been folded.
    if (!buffer.hold(e, ctx.timerService())) {
      // Its session may have been counted and forgotten already; counting it again would make a
      // second view of it.
      afterwards.inc();
      long watermark = ctx.timerService().currentWatermark();
      ctx.output(DEAD_LETTERS, TimeLetters.late(sourceTopic, e, e.eventTimeMillis(), watermark));
    }
  }

  @Override
  public void onTimer(long t, OnTimerContext ctx, Collector<WatchedSession> out) throws Exception {
    Watch w = watch.value();
    WatermarkBuffer.Release released =
        buffer.release(t, Comparator.comparingLong(ViewerEvent::eventTimeMillis));
    List<ViewerEvent> due = released.due();
    if (!due.isEmpty()) {
      for (ViewerEvent e : due) {
        if (w == null) {
          w = new Watch();
          w.viewerId = e.viewerId();
          w.assetId = e.assetId();
          w.region = e.region();
        }
        if (w.handedOnMillis >= 0 || w.endMillis >= 0) {
          afterwards.inc();
          ctx.output(
              DEAD_LETTERS,
              w.endMillis >= 0
                  ? letter(e, ReasonCode.INCONSISTENT, "the session had already ended")
                  : letter(
                      e,
                      ReasonCode.LATE,
                      "the session was already counted at " + w.handedOnMillis));
          continue;
        }
        if (e.positionSeconds() != null) {
          w.furthestSeconds = Math.max(w.furthestSeconds, e.positionSeconds());
        }
        w.startMillis = Math.min(w.startMillis, e.eventTimeMillis());
        w.lastMillis = Math.max(w.lastMillis, e.eventTimeMillis());
        if (e.type() == ViewerEventType.END
            || (e.type() == ViewerEventType.ERROR && Boolean.TRUE.equals(e.fatal()))) {
          w.endMillis = e.eventTimeMillis();
        }
      }
      if (w.handedOnMillis < 0 && w.endMillis < 0) {
        ctx.timerService().registerEventTimeTimer(w.lastMillis + inactivityMillis);
      }
    }
    if (w == null) {
      return;
    }
    if (w.handedOnMillis < 0 && (w.endMillis >= 0 || t >= w.lastMillis + inactivityMillis)) {
      handedOn.inc();
      out.collect(
          new WatchedSession(
              ctx.getCurrentKey(),
              w.viewerId,
              w.assetId,
              w.region,
              w.furthestSeconds,
              w.startMillis,
              w.endMillis >= 0 ? w.endMillis : w.lastMillis));
      w.handedOnMillis = t;
      ctx.timerService().registerEventTimeTimer(t + retentionMillis);
    }
    if (w.handedOnMillis >= 0 && t >= w.handedOnMillis + retentionMillis && !released.laterHeld()) {
      watch.clear();
      buffer.clear();
      return;
    }
    watch.update(w);
  }

  private DeadLetter letter(ViewerEvent e, ReasonCode reason, String detail) {
    return TimeLetters.of(sourceTopic, e, reason, "eventTimeMillis", detail, e.eventTimeMillis());
  }
}
