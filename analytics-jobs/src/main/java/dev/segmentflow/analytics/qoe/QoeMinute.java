package dev.segmentflow.analytics.qoe;

import java.util.ArrayList;

/**
 * One minute of QoE for asset x region x edge x device: a row of {@code qoe_minute}. The startup
 * times travel along so that wider scopes (region, edge) can take their own percentiles.
 */
public record QoeMinute(
    long minuteStartMillis,
    String assetId,
    String region,
    String edgeId,
    String device,
    int sessions,
    long playMs,
    long stallMs,
    double rebufferRatio,
    double startupP50Ms,
    double startupP95Ms,
    int failures,
    int exitsBeforeStart,
    int bitrateSwitches,
    long version,
    ArrayList<Long> startupsMs,
    int videoStartFailures,
    int playbackFailures,
    int stallCount,
    double rebuffersPerMinute,
    double avgBitrateKbps,
    long peakBitrateKbps,
    int restarts,
    long restartMs) {

  /** Sums the slices of one key and minute; sessions counts those active in the minute. */
  public static QoeMinute of(Iterable<MinuteSlice> slices) {
    MinuteSlice first = null;
    java.util.HashSet<String> sessions = new java.util.HashSet<>();
    long play = 0;
    long stall = 0;
    int failures = 0;
    int startFailures = 0;
    int stalls = 0;
    long bitratePlayMs = 0;
    double bitrateKbpsMs = 0;
    long peak = 0;
    int restarts = 0;
    long restartMs = 0;
    int exits = 0;
    int switches = 0;
    long count = 0;
    ArrayList<Long> startups = new ArrayList<>();
    for (MinuteSlice s : slices) {
      if (first == null) {
        first = s;
      }
      if (s.active) {
        sessions.add(s.sessionId);
      }
      play += s.playMs;
      stall += s.stallMs;
      failures += s.failures;
      startFailures += s.startFailures;
      stalls += s.stalls;
      bitratePlayMs += s.bitratePlayMs;
      bitrateKbpsMs += s.bitrateKbpsMs;
      peak = Math.max(peak, s.peakBitrateKbps);
      restarts += s.restarts;
      restartMs += s.restartMs;
      exits += s.exitsBeforeStart;
      switches += s.switches;
      startups.addAll(s.startupsMs);
      count++;
    }
    if (first == null) {
      throw new IllegalArgumentException("no slices");
    }
    startups.sort(null);
    return new QoeMinute(
        first.minuteStartMillis,
        first.assetId,
        first.region,
        first.edgeId,
        first.device,
        sessions.size(),
        play,
        stall,
        SessionSummary.rebufferRatio(play, stall),
        Percentiles.nearestRank(startups, 0.50),
        Percentiles.nearestRank(startups, 0.95),
        failures,
        exits,
        switches,
        count,
        startups,
        startFailures,
        failures - startFailures,
        stalls,
        SessionSummary.perMinute(stalls, play),
        bitratePlayMs == 0 ? 0 : bitrateKbpsMs / bitratePlayMs,
        peak,
        restarts,
        restartMs);
  }
}
