package dev.segmentflow.analytics.flink;

import dev.segmentflow.analytics.qoe.QoeAlert;
import dev.segmentflow.analytics.qoe.QoeGrader;
import dev.segmentflow.analytics.qoe.QoeMinute;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Grades one scope (key {@code region:<id>} or {@code edge:<id>}) over one minute of {@link
 * QoeMinute} rows.
 */
public final class AlertWindowFunction
    extends ProcessWindowFunction<ScopedMinute, QoeAlert, String, TimeWindow> {
  private final QoeGrader grader;

  public AlertWindowFunction(QoeGrader.Thresholds thresholds) {
    this.grader = new QoeGrader(thresholds);
  }

  /** The scopes a minute row counts towards. */
  public static List<ScopedMinute> scopes(QoeMinute m) {
    List<ScopedMinute> out = new ArrayList<>();
    out.add(new ScopedMinute("region:" + m.region(), m));
    if (!m.edgeId().isEmpty()) {
      out.add(new ScopedMinute("edge:" + m.edgeId(), m));
    }
    return out;
  }

  @Override
  public void process(
      String scope, Context ctx, Iterable<ScopedMinute> scoped, Collector<QoeAlert> out) {
    List<QoeMinute> rows = new ArrayList<>();
    scoped.forEach(s -> rows.add(s.minute()));
    int colon = scope.indexOf(':');
    for (QoeAlert a :
        grader.alerts(
            ctx.window().getStart(), scope.substring(0, colon), scope.substring(colon + 1), rows)) {
      out.collect(a);
    }
  }
}
