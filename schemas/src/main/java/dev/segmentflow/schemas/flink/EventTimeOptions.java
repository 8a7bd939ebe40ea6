package dev.segmentflow.schemas.flink;

import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.java.utils.ParameterTool;

/**
 * Event time as every job that reads viewer events or edge requests takes it.
 *
 * @param outOfOrderness how far a record may trail the newest one of its own partition
 * @param idleness after how long a silent partition stops holding event time back
 * @param inactivity a session with no event for this long is closed at its last event
 * @param retention how long an ended session is remembered, to recognise redeliveries and events
 *     after its end
 */
public record EventTimeOptions(
    Duration outOfOrderness, Duration idleness, Duration inactivity, Duration retention)
    implements Serializable {

  public static EventTimeOptions defaults() {
    return new EventTimeOptions(
        Duration.ofSeconds(30),
        Duration.ofMinutes(1),
        Duration.ofMinutes(2),
        Duration.ofMinutes(30));
  }

  /**
   * {@code --out-of-orderness-seconds}, {@code --idleness-seconds}, {@code --inactivity-seconds},
   * {@code --retention-minutes}, each defaulting to {@link #defaults()}.
   */
  public static EventTimeOptions from(ParameterTool params) {
    EventTimeOptions d = defaults();
    return new EventTimeOptions(
        Duration.ofSeconds(
            params.getLong("out-of-orderness-seconds", d.outOfOrderness().toSeconds())),
        Duration.ofSeconds(params.getLong("idleness-seconds", d.idleness().toSeconds())),
        Duration.ofSeconds(params.getLong("inactivity-seconds", d.inactivity().toSeconds())),
        Duration.ofMinutes(params.getLong("retention-minutes", d.retention().toMinutes())));
  }
}
