package dev.segmentflow.analytics.qoe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.analytics.qoe.StallAttributor.Cause;
import dev.segmentflow.analytics.qoe.StallAttributor.Request;
import dev.segmentflow.schemas.events.EdgeRequest.CacheStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class StallAttributorTest {
  static final long T = 1_700_000_000_000L;

  /** A stall from 10 s to 13 s, playing 2000 kbps. */
  static Waiting stall(Long throughputKbps) {
    return new Waiting(
        "s1",
        "a1",
        "eu",
        "edge-1",
        Waiting.Kind.STALL,
        T + 10_000,
        T + 13_000,
        2_000L,
        throughputKbps);
  }

  /** A 1 MB segment request at {@code atMs}. */
  static Request request(long atMs, int seq, CacheStatus status, long latencyMs, Long originMs) {
    return new Request(
        T + atMs,
        "720p",
        seq,
        status,
        1_000_000,
        latencyMs * 1000,
        originMs == null ? null : originMs * 1000);
  }

  static String cause(Waiting w, Request... rs) {
    return StallAttributor.attribute(w, List.of(rs)).cause();
  }

  @Test
  void aSlowOriginFetchForTheSegmentWaitedForIsAnEdgeMiss() {
    assertThat(cause(stall(8_000L), request(9_000, 3, CacheStatus.MISS, 3_500, 3_200L)))
        .isEqualTo(Cause.EDGE_MISS.name());
  }

  @Test
  void aMissWhoseTimeWentMostlyIntoSendingIsNotTheOriginsFault() {
    // 600 ms at the origin, 5 s sending it: the link, not the origin (the player says 900 kbps)
    assertThat(cause(stall(900L), request(9_000, 3, CacheStatus.MISS, 5_600, 600L)))
        .isEqualTo(Cause.LAST_MILE.name());
  }

  @Test
  void aFastOriginMissIsNotAnEdgeMissEither() {
    assertThat(cause(stall(8_000L), request(9_000, 3, CacheStatus.MISS, 1_500, 400L)))
        .isEqualTo(Cause.UNKNOWN.name());
  }

  @Test
  void throughputBelowTheBitrateIsTheLastMile() {
    assertThat(cause(stall(1_200L), request(9_000, 3, CacheStatus.HIT, 6_000, null)))
        .isEqualTo(Cause.LAST_MILE.name());
  }

  @Test
  void withoutAMeasurementTheEdgesDeliveryRateStandsIn() {
    // 1 MB in 6 s is 1333 kbps, below 2000 kbps
    assertThat(cause(stall(null), request(9_000, 3, CacheStatus.HIT, 6_000, null)))
        .isEqualTo(Cause.LAST_MILE.name());
    // 1 MB in 2 s is 4000 kbps: fast enough
    assertThat(cause(stall(null), request(9_000, 3, CacheStatus.HIT, 2_000, null)))
        .isEqualTo(Cause.UNKNOWN.name());
  }

  @Test
  void theSegmentWaitedForIsTheFirstStillBeingServedWhenTheStallBegan() {
    Request doneBefore = request(2_000, 1, CacheStatus.MISS, 4_000, 3_900L); // done at 6 s
    Request waitedFor = request(8_000, 2, CacheStatus.HIT, 3_000, null); // done at 11 s
    Request later = request(12_000, 3, CacheStatus.MISS, 4_000, 3_900L); // asked during it
    Request afterEnd = request(14_000, 4, CacheStatus.MISS, 4_000, 3_900L);
    assertThat(
            StallAttributor.waitedFor(
                stall(8_000L), List.of(afterEnd, later, waitedFor, doneBefore)))
        .isEqualTo(waitedFor);
    StallCause c =
        StallAttributor.attribute(stall(8_000L), List.of(afterEnd, later, waitedFor, doneBefore));
    assertThat(c.cause()).isEqualTo(Cause.UNKNOWN.name());
    assertThat(c.segmentSequence()).isEqualTo(2);
    assertThat(c.cacheStatus()).isEqualTo("HIT");
  }

  @Test
  void noRequestForTheSessionLeavesItUnknownAndStartupsAndSeeksKeepTheirKind() {
    assertThat(cause(stall(8_000L))).isEqualTo(Cause.UNKNOWN.name());
    Waiting startup =
        new Waiting("s1", "a1", "eu", "e", Waiting.Kind.STARTUP, T, T + 900, null, null);
    Waiting seek = new Waiting("s1", "a1", "eu", "e", Waiting.Kind.SEEK, T, T + 900, null, null);
    assertThat(cause(startup, request(0, 0, CacheStatus.MISS, 5_000, 4_900L)))
        .isEqualTo(Cause.STARTUP.name());
    assertThat(cause(seek)).isEqualTo(Cause.SEEK.name());
  }
}
