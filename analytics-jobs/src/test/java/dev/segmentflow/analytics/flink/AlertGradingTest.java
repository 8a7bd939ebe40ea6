package dev.segmentflow.analytics.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.analytics.qoe.QoeAlert;
import dev.segmentflow.analytics.qoe.QoeGrader;
import dev.segmentflow.analytics.qoe.QoeMinute;
import dev.segmentflow.analytics.qoe.StallCause;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

class AlertGradingTest {
  static final long MINUTE = 1_700_000_040_000L;

  /** Six sessions of one edge, 10% rebuffering: the rebuffer ratio is over its 5% threshold. */
  static ScopedMinute stalling(String scope) {
    ArrayList<Long> startups = new ArrayList<>(List.of(500L, 500L, 500L, 500L, 500L, 500L));
    QoeMinute m =
        new QoeMinute(
            MINUTE,
            "a1",
            "eu",
            "edge-eu-1",
            "web",
            6,
            90_000,
            10_000,
            0.1,
            500,
            500,
            0,
            0,
            0,
            1,
            startups,
            0,
            0,
            4,
            2.67,
            800,
            800,
            0,
            0);
    return new ScopedMinute(scope, m);
  }

  static ScopedStall stall(String scope, String kind, String cause, long ms) {
    return new ScopedStall(
        scope,
        new StallCause(
            "s1",
            "a1",
            "eu",
            "edge-eu-1",
            kind,
            MINUTE + 1_000,
            ms,
            cause,
            "720p",
            3,
            "MISS",
            null,
            null,
            2_000L));
  }

  static List<QoeAlert> grade(List<ScopedMinute> minutes, List<ScopedStall> stalls) {
    List<QoeAlert> out = new ArrayList<>();
    new AlertGrading(QoeGrader.Thresholds.defaults())
        .coGroup(
            minutes,
            stalls,
            new Collector<>() {
              @Override
              public void collect(QoeAlert a) {
                out.add(a);
              }

              @Override
              public void close() {}
            });
    return out;
  }

  @Test
  void anAlertNamesTheCauseOfMostOfTheStallTimeAndItsShare() {
    String scope = "edge:edge-eu-1";
    List<QoeAlert> alerts =
        grade(
            List.of(stalling(scope)),
            List.of(
                stall(scope, "STALL", "EDGE_MISS", 6_000),
                stall(scope, "STALL", "LAST_MILE", 3_000),
                stall(scope, "STALL", "EDGE_MISS", 1_000),
                // a startup's wait is not rebuffering: it does not count towards the shares
                stall(scope, "STARTUP", "STARTUP", 50_000)));
    assertThat(alerts).extracting(QoeAlert::metric).containsExactly("rebuffer_ratio");
    QoeAlert a = alerts.get(0);
    assertThat(a.scopeType()).isEqualTo("edge");
    assertThat(a.scope()).isEqualTo("edge-eu-1");
    assertThat(a.dominantCause()).isEqualTo("EDGE_MISS");
    assertThat(a.causeShare()).isEqualTo(0.7);
    assertThat(a.message()).endsWith("; 70% of stall time EDGE_MISS");
  }

  @Test
  void withoutStallsAnAlertHasNoCauseAndStallsAloneRaiseNothing() {
    String scope = "region:eu";
    assertThat(grade(List.of(stalling(scope)), List.of()))
        .singleElement()
        .satisfies(a -> assertThat(a.dominantCause()).isEmpty())
        .satisfies(a -> assertThat(a.causeShare()).isZero());
    assertThat(grade(List.of(), List.of(stall(scope, "STALL", "LAST_MILE", 9_000)))).isEmpty();
  }

  @Test
  void aStallCountsForItsRegionAndItsEdgeLikeItsMinuteRows() {
    StallCause c = stall("x", "STALL", "LAST_MILE", 1_000).stall();
    assertThat(AlertGrading.scopes(c))
        .extracting(ScopedStall::scope)
        .containsExactly("region:eu", "edge:edge-eu-1");
    assertThat(AlertGrading.scopes(stalling("x").minute()))
        .extracting(ScopedMinute::scope)
        .containsExactly("region:eu", "edge:edge-eu-1");
  }
}
