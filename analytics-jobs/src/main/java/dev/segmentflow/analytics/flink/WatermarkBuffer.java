package dev.segmentflow.analytics.flink;

import dev.segmentflow.schemas.events.ViewerEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.streaming.api.TimerService;

/**
 * A key's events held until the watermark passes them, then released in event-time order, so that
 * an operator folds an event only once every earlier event of its key can have arrived. An event
 * the watermark has already passed is refused; the caller letters it as late.
 */
final class WatermarkBuffer {
  /** What a timer released: the due events in order, and whether later ones are still held. */
  record Release(List<ViewerEvent> due, boolean laterHeld) {}

  private final ListState<ViewerEvent> pending;

  WatermarkBuffer(RuntimeContext context) {
    // The state keeps the name it had inside each operator, so savepoints restore into it.
    pending = context.getListState(new ListStateDescriptor<>("pending", ViewerEvent.class));
  }

  /** Holds the event with a timer at its time; false, holding nothing, when it is late. */
  boolean hold(ViewerEvent e, TimerService timers) throws Exception {
    if (e.eventTimeMillis() <= timers.currentWatermark()) {
      return false;
    }
    pending.add(e);
    timers.registerEventTimeTimer(e.eventTimeMillis());
    return true;
  }

  /** Takes the held events at or before {@code time}, sorted by {@code order}. */
  Release release(long time, Comparator<ViewerEvent> order) throws Exception {
    List<ViewerEvent> due = new ArrayList<>();
    List<ViewerEvent> later = new ArrayList<>();
    for (ViewerEvent e : pending.get()) {
      (e.eventTimeMillis() <= time ? due : later).add(e);
    }
    if (!due.isEmpty()) {
      pending.update(later);
      due.sort(order);
    }
    return new Release(due, !later.isEmpty());
  }

  void clear() {
    pending.clear();
  }
}
