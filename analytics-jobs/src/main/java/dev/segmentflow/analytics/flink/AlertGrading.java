package dev.segmentflow.analytics.flink;

import dev.segmentflow.analytics.qoe.QoeAlert;
import dev.segmentflow.analytics.qoe.QoeGrader;
import dev.segmentflow.analytics.qoe.QoeMinute;
import dev.segmentflow.analytics.qoe.StallCause;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.CoGroupFunction;
import org.apache.flink.util.Collector;

/**
 * Grades one scope (key {@code region:<id>} or {@code edge:<id>}) over one minute of {@link
 * QoeMinute} rows, co-grouped with the scope's stalls that ended in that minute so that each alert
 * names the cause most of the stall time was put down to.
 */
public final class AlertGrading implements CoGroupFunction<ScopedMinute, ScopedStall, QoeAlert> {
  private final QoeGrader grader;

  public AlertGrading(QoeGrader.Thresholds thresholds) {
    this.grader = new QoeGrader(thresholds);
  }

  /** The scopes a minute row counts towards. */
  public static List<ScopedMinute> scopes(QoeMinute m) {
    List<ScopedMinute> out = new ArrayList<>();
    for (String scope : scopes(m.region(), m.edgeId())) {
      out.add(new ScopedMinute(scope, m));
    }
    return out;
  }

  /** The scopes a stall counts towards: the same as its session's minute rows. */
  public static List<ScopedStall> scopes(StallCause c) {
    List<ScopedStall> out = new ArrayList<>();
    for (String scope : scopes(c.region(), c.edgeId())) {
      out.add(new ScopedStall(scope, c));
    }
    return out;
  }

  private static List<String> scopes(String region, String edgeId) {
    return edgeId == null || edgeId.isEmpty()
        ? List.of("region:" + region)
        : List.of("region:" + region, "edge:" + edgeId);
  }

  @Override
  public void coGroup(
      Iterable<ScopedMinute> minutes, Iterable<ScopedStall> stalls, Collector<QoeAlert> out) {
    List<QoeMinute> rows = new ArrayList<>();
    String scope = null;
    for (ScopedMinute s : minutes) {
      rows.add(s.minute());
      scope = s.scope();
    }
    if (scope == null) {
      return; // stalls alone, with no minute rows to grade, raise nothing
    }
    Map<String, Long> stallMsByCause = new TreeMap<>();
    for (ScopedStall s : stalls) {
      if (s.stall().kind().equals("STALL")) {
        stallMsByCause.merge(s.stall().cause(), s.stall().durationMillis(), Long::sum);
      }
    }
    int colon = scope.indexOf(':');
    for (QoeAlert a :
        grader.alerts(
            rows.get(0).minuteStartMillis(),
            scope.substring(0, colon),
            scope.substring(colon + 1),
            rows,
            stallMsByCause)) {
      out.collect(a);
    }
  }
}
