package dev.segmentflow.analytics.qoe;

import dev.segmentflow.schemas.events.Ids;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Grades a scope's minute A-F against the QoE thresholds and names the metrics that broke them.
 *
 * <ul>
 *   <li>rebuffer ratio (stall / (play + stall)) over {@code rebufferRatio};
 *   <li>p95 startup time over {@code startupMs};
 *   <li>bitrate switches per session over {@code switchesPerSession};
 *   <li>failure rate (failed sessions / sessions) over {@code failureRate}.
 * </ul>
 *
 * A: every metric at most half its threshold; B: none over; C: one over; D: two over; F: three or
 * more over, or any metric at three times its threshold. Minutes with fewer than {@code
 * minSessions} sessions are not graded: one failed session in two is noise, not an incident.
 */
public final class QoeGrader implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The seed's thresholds: buffer 5%, startup 3 s, 5 switches, errors 1%. */
  public record Thresholds(
      double rebufferRatio,
      double startupMs,
      double switchesPerSession,
      double failureRate,
      int minSessions)
      implements Serializable {
    public static Thresholds defaults() {
      return new Thresholds(0.05, 3000, 5, 0.01, 5);
    }
  }

  /** One scope's minute, summed over its asset x edge x device rows. */
  public record Graded(String grade, Map<String, double[]> metrics, List<String> over) {}

  private final Thresholds thresholds;

  public QoeGrader(Thresholds thresholds) {
    this.thresholds = thresholds;
  }

  /**
   * @return null when the minute has too few sessions to grade
   */
  public Graded grade(Iterable<QoeMinute> rows) {
    int sessions = 0;
    long play = 0;
    long stall = 0;
    int failures = 0;
    int switches = 0;
    ArrayList<Long> startups = new ArrayList<>();
    for (QoeMinute m : rows) {
      sessions += m.sessions();
      play += m.playMs();
      stall += m.stallMs();
      failures += m.failures();
      switches += m.bitrateSwitches();
      startups.addAll(m.startupsMs());
    }
    if (sessions < thresholds.minSessions()) {
      return null;
    }
    startups.sort(null);
    Map<String, double[]> metrics = new LinkedHashMap<>();
    metrics.put(
        "rebuffer_ratio",
        new double[] {SessionSummary.rebufferRatio(play, stall), thresholds.rebufferRatio()});
    metrics.put(
        "startup_p95_ms",
        new double[] {Percentiles.nearestRank(startups, 0.95), thresholds.startupMs()});
    metrics.put(
        "switches_per_session",
        new double[] {(double) switches / sessions, thresholds.switchesPerSession()});
    metrics.put(
        "failure_rate", new double[] {(double) failures / sessions, thresholds.failureRate()});
    List<String> over = new ArrayList<>();
    boolean allUnderHalf = true;
    boolean farOver = false;
    for (Map.Entry<String, double[]> m : metrics.entrySet()) {
      double value = m.getValue()[0];
      double limit = m.getValue()[1];
      if (value > limit) {
        over.add(m.getKey());
      }
      if (value > limit / 2) {
        allUnderHalf = false;
      }
      if (value >= 3 * limit) {
        farOver = true;
      }
    }
    String grade;
    if (over.size() >= 3 || farOver) {
      grade = "F";
    } else if (over.size() == 2) {
      grade = "D";
    } else if (over.size() == 1) {
      grade = "C";
    } else {
      grade = allUnderHalf ? "A" : "B";
    }
    return new Graded(grade, metrics, over);
  }

  /** One alert per metric over its threshold; none for A and B. */
  public List<QoeAlert> alerts(
      long minuteStartMillis, String scopeType, String scope, Iterable<QoeMinute> rows) {
    return alerts(minuteStartMillis, scopeType, scope, rows, Map.of());
  }

  /**
   * As {@link #alerts(long, String, String, Iterable)}, each alert naming the cause that most of
   * the minute's stall time was put down to.
   *
   * @param stallMsByCause the scope's rebuffering that minute, by attributed cause
   */
  public List<QoeAlert> alerts(
      long minuteStartMillis,
      String scopeType,
      String scope,
      Iterable<QoeMinute> rows,
      Map<String, Long> stallMsByCause) {
    Graded g = grade(rows);
    List<QoeAlert> out = new ArrayList<>();
    if (g == null) {
      return out;
    }
    String dominant = "";
    long dominantMs = 0;
    long totalMs = 0;
    for (Map.Entry<String, Long> e : new TreeMap<>(stallMsByCause).entrySet()) {
      totalMs += e.getValue();
      if (e.getValue() > dominantMs) {
        dominant = e.getKey();
        dominantMs = e.getValue();
      }
    }
    double share = totalMs == 0 ? 0 : (double) dominantMs / totalMs;
    String why =
        dominant.isEmpty()
            ? ""
            : String.format(Locale.ROOT, "; %.0f%% of stall time %s", 100 * share, dominant);
    for (String metric : g.over()) {
      double[] v = g.metrics().get(metric);
      out.add(
          new QoeAlert(
              Ids.of("qoe-alert", minuteStartMillis, scopeType, scope, metric),
              minuteStartMillis,
              scopeType,
              scope,
              metric,
              v[0],
              v[1],
              g.grade(),
              String.format(
                  Locale.ROOT,
                  "%s %s: %s %.4g over %.4g (grade %s)%s",
                  scopeType,
                  scope,
                  metric,
                  v[0],
                  v[1],
                  g.grade(),
                  why),
              dominant,
              share));
    }
    return out;
  }
}
