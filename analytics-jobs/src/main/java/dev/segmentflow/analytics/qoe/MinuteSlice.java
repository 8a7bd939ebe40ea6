package dev.segmentflow.analytics.qoe;

import java.util.ArrayList;

/**
 * What one session did within one minute of event time, by the minute of the event that closed each
 * interval (heartbeats come every few seconds, so an interval rarely spans a minute edge). Mutable
 * and with a no-argument constructor: it lives in Flink state and travels between operators.
 */
public final class MinuteSlice {
  public long minuteStartMillis;
  public String sessionId;
  public String assetId;
  public String region;
  public String edgeId;
  public String device;

  /** The session had an event in this minute (a slice may only carry an exit found later). */
  public boolean active;

  public long playMs;
  public long stallMs;
  public long seekMs;
  public int stalls;
  public int switches;
  public int failures;

  /** Of {@link #failures}, those before the first frame (video start failures). */
  public int startFailures;

  public int exitsBeforeStart;
  public ArrayList<Long> startupsMs = new ArrayList<>();

  /** Play time at a known bitrate, and that time weighted by the bitrate. */
  public long bitratePlayMs;

  public double bitrateKbpsMs;
  public long peakBitrateKbps;

  /** Seeks whose restart completed in this minute, and their restart times summed. */
  public int restarts;

  public long restartMs;

  public MinuteSlice() {}

  MinuteSlice(long minuteStartMillis, SessionStateMachine s) {
    this.minuteStartMillis = minuteStartMillis;
    this.sessionId = s.sessionId();
    this.assetId = s.assetId();
    this.region = s.region();
    this.edgeId = s.edgeId();
    this.device = s.device();
  }

  /** The key of the minute aggregate this slice belongs to. */
  public String aggregateKey() {
    return String.join("\u001f", assetId, region, edgeId, device);
  }

  public long minuteEndMillis() {
    return minuteStartMillis + 60_000;
  }

  /** The start of the event-time minute that holds {@code millis}. */
  public static long minuteStart(long millis) {
    return millis - Math.floorMod(millis, 60_000L);
  }

  /** The last millisecond of that minute: when event time reaches it, the minute is complete. */
  public static long lastMillisOfMinute(long millis) {
    return minuteStart(millis) + 60_000 - 1;
  }
}
