package dev.segmentflow.analytics.flink;

import dev.segmentflow.analytics.qoe.MinuteSlice;
import dev.segmentflow.analytics.qoe.SessionStateMachine;
import dev.segmentflow.analytics.qoe.SessionSummary;
import dev.segmentflow.analytics.qoe.Waiting;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.flink.EventTimeOptions;
import dev.segmentflow.schemas.validation.ReasonCode;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by session: holds events until the watermark passes them, feeds them in event-time order to
 * the {@link SessionStateMachine}, emits the summary when the session ends (or has been silent for
 * the inactivity timeout), each minute's slice once event time has left that minute, and each
 * waiting stretch (startup, seek, stall) once it has ended, to {@link #WAITS}. Events behind the
 * watermark go to {@link #DEAD_LETTERS} as LATE, events after a session's end as INCONSISTENT;
 * redelivered events are counted and ignored.
 */
public final class SessionFunction
    extends KeyedProcessFunction<String, ViewerEvent, SessionSummary> {
  public static final OutputTag<MinuteSlice> SLICES = new OutputTag<>("qoe-minute-slices") {};
  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("qoe-dead-letters") {};
  public static final OutputTag<Waiting> WAITS = new OutputTag<>("qoe-waits") {};

  private final long inactivityMillis;
  private final long retentionMillis;
  private final String sourceTopic;
  private transient ValueState<SessionStateMachine> machine;
  private transient WatermarkBuffer buffer;
  private transient Counter duplicates;
  private transient Counter late;
  private transient Counter afterEnd;
  private transient Counter sessions;

  /** Sessions close after {@code time}'s inactivity and are remembered for its retention. */
  public SessionFunction(EventTimeOptions time, String sourceTopic) {
    this.inactivityMillis = time.inactivity().toMillis();
    this.retentionMillis = time.retention().toMillis();
    this.sourceTopic = sourceTopic;
  }

  @Override
  public void open(OpenContext context) {
    machine =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("session", SessionStateMachine.class));
    buffer = new WatermarkBuffer(getRuntimeContext());
    var group = getRuntimeContext().getMetricGroup().addGroup("qoe");
    duplicates = group.counter("duplicate_events");
    late = group.counter("late_events");
    afterEnd = group.counter("events_after_end");
    sessions = group.counter("sessions_closed");
  }

  @Override
  public void processElement(ViewerEvent e, Context ctx, Collector<SessionSummary> out)
      throws Exception {
    if (!buffer.hold(e, ctx.timerService())) {
      late.inc();
      long watermark = ctx.timerService().currentWatermark();
      ctx.output(DEAD_LETTERS, TimeLetters.late(sourceTopic, e, e.eventTimeMillis(), watermark));
    }
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<SessionSummary> out) throws Exception {
    SessionStateMachine m = machine.value();
    WatermarkBuffer.Release released = buffer.release(ts, SessionStateMachine.EVENT_ORDER);
    List<ViewerEvent> due = released.due();
    if (!due.isEmpty()) {
      if (m == null) {
        m = new SessionStateMachine();
      }
      boolean wasEnded = m.ended();
      for (ViewerEvent e : due) {
        switch (m.apply(e)) {
          case DUPLICATE -> duplicates.inc();
          case AFTER_END -> {
            afterEnd.inc();
            ctx.output(
                DEAD_LETTERS, letter(e, ReasonCode.INCONSISTENT, "the session had already ended"));
          }
          case ACCEPTED -> {
            ctx.timerService()
                .registerEventTimeTimer(MinuteSlice.lastMillisOfMinute(e.eventTimeMillis()));
          }
        }
      }
      if (!wasEnded) {
        if (m.ended()) {
          closed(m, ctx, out);
        } else {
          ctx.timerService().registerEventTimeTimer(m.lastEventAt() + inactivityMillis);
        }
      }
    }
    if (m == null) {
      return;
    }
    if (!m.ended() && ts >= m.lastEventAt() + inactivityMillis) {
      m.closeInactive(ts);
      ctx.timerService().registerEventTimeTimer(MinuteSlice.lastMillisOfMinute(ts));
      closed(m, ctx, out);
    }
    for (MinuteSlice s : m.drainSlices(ts + 1)) {
      ctx.output(SLICES, s);
    }
    for (Waiting w : m.drainWaits()) {
      ctx.output(WAITS, w);
    }
    if (m.ended()
        && !m.hasSlices()
        && ts >= m.endedAt() + retentionMillis
        && !released.laterHeld()) {
      machine.clear();
      buffer.clear();
      return;
    }
    machine.update(m);
  }

  private void closed(SessionStateMachine m, OnTimerContext ctx, Collector<SessionSummary> out) {
    sessions.inc();
    out.collect(m.summary());
    ctx.timerService().registerEventTimeTimer(m.endedAt() + retentionMillis);
  }

  private DeadLetter letter(ViewerEvent e, ReasonCode reason, String detail) {
    return TimeLetters.of(sourceTopic, e, reason, "eventTimeMillis", detail, e.eventTimeMillis());
  }
}
