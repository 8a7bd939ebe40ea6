package dev.segmentflow.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Hand-computed traces for the next-use estimate. One title of 20 segments (one per reach bin), one
 * rendition (share 1, no switches), a 1000 h half-life (the test's minutes of decay are
 * negligible), 6 s pace.
 */
class NextUseModelTest {
  static final long HALF_LIFE = 1000 * 3_600_000L;
  static final long IDLE = 60_000;
  static final long PACE = 6_000;

  /**
   * New sessions' arrivals per hour from {@code counted} starts, the first of them {@code
   * sinceFirstMillis} ago: counted over the time since, as the decay over the test's minutes is
   * negligible (to 1e-4 of the figure).
   */
  static double perHourSince(double counted, long sinceFirstMillis) {
    return counted * 3_600_000.0 / sinceFirstMillis;
  }

  /** Viewer 0 watched all 20 segments earlier; viewer 1 has watched 0..4 and is still watching. */
  static NextUseModel twoViewers() {
    NextUseModel m = new NextUseModel(HALF_LIFE, HALF_LIFE, IDLE, PACE, (asset, rendition) -> 20);
    for (int seg = 0; seg < 20; seg++) {
      m.observe("v0", "a", "720p", seg, -1_000_000 + seg * PACE);
    }
    for (int seg = 0; seg <= 4; seg++) {
      m.observe("v1", "a", "720p", seg, seg * PACE);
    }
    return m;
  }

  @Test
  void aSegmentAheadOfAnActiveSessionOutlivesOneBehindAllSessions() {
    NextUseModel m = twoViewers();
    long now = 4 * PACE;
    // Two starts, the latest left out: one start over the 1024 s since the first, 3.5 an hour.
    // Requests per segment per start: 1 up to segment 4 (both viewers), 1/2 beyond (viewer 0).
    double starts = perHourSince(1, now + 1_000_000);
    double behind = m.rate("a", "720p", 3, now);
    assertThat(behind).isCloseTo(starts * 1.0, within(1e-3));
    // Segment 7: new sessions give starts * 0.5; viewer 1 reaches it with 0.5 / 1 in 3 segments
    // of 6 s = 0.005 h, so 0.5 / 0.005 = 100 more per hour.
    double ahead = m.rate("a", "720p", 7, now);
    assertThat(ahead).isCloseTo(starts * 0.5 + 100, within(0.01));
    assertThat(ahead).isGreaterThan(behind * 25);
    // Further ahead is needed later: less protection.
    assertThat(m.rate("a", "720p", 12, now)).isLessThan(ahead).isGreaterThan(behind);
  }

  @Test
  void anAbandonedSessionStopsProtectingItsNextSegments() {
    NextUseModel m = twoViewers();
    long silent = 4 * PACE + IDLE + 1;
    double starts = perHourSince(1, silent + 1_000_000);
    assertThat(m.rate("a", "720p", 7, silent)).isCloseTo(starts * 0.5, within(1e-3));
    m.expire(silent);
    assertThat(m.activeSessions()).isZero();
  }

  @Test
  void aSessionThreePacesLateStopsProtectingBeforeItIsForgotten() {
    NextUseModel m = twoViewers();
    // Viewer 1 asked for segment 4 at 4 paces. Two paces late it still reaches segment 7 with 0.5
    // in 3 paces (100 an hour); three paces late it counts for nothing, long before the idle time.
    assertThat(m.rate("a", "720p", 7, 6 * PACE))
        .isCloseTo(perHourSince(1, 6 * PACE + 1_000_000) * 0.5 + 100, within(0.01));
    assertThat(m.rate("a", "720p", 7, 7 * PACE))
        .isCloseTo(perHourSince(1, 7 * PACE + 1_000_000) * 0.5, within(1e-3));
    assertThat(m.activeSessions()).isEqualTo(1);
  }

  @Test
  void anotherRenditionIsProtectedOnlyAsFarAsSessionsSwitch() {
    NextUseModel m = twoViewers();
    long now = 4 * PACE;
    // No session has switched and nobody has asked for 1080p: nothing protects it.
    assertThat(m.rate("a", "1080p", 7, now)).isZero();
  }

  @Test
  void aTitleThatHasJustStartedTrendingCountsAtItsRecentRate() {
    // Started once 30 h ago, then four starts in 40 s, the latest left out. Over 6 h that is
    // about 3 * ln 2 / 6 = 0.35 an hour, at its recent (1 h) rate about 3 * ln 2 = 2.08 an hour,
    // each start decayed over the seconds since (the start 30 h ago: 2^-30 of one at 1 h).
    long hour = 3_600_000L;
    NextUseModel m = new NextUseModel(6 * hour, hour, IDLE, PACE, (asset, rendition) -> 1);
    m.observe("old", "t", "720p", 0, -30 * hour);
    for (int s = 0; s < 4; s++) {
      m.observe("s" + s, "t", "720p", 0, s * 10_000L);
    }
    long now = 40_000;
    double recent = Math.pow(0.5, (now + 30.0 * hour) / hour);
    for (int s = 0; s < 3; s++) {
      recent += Math.pow(0.5, (now - s * 10_000.0) / hour);
    }
    // One segment, one rendition, every start requests it: perStart 1, share 1.
    assertThat(m.rate("t", "720p", 0, now)).isCloseTo(recent * Math.log(2), within(1e-6));
  }

  @Test
  void aTitleFirstSeenRecentlyCountsItsStartsOverTheTimeSinceItsFirst() {
    // A release: nothing before its first start, then one every 10 minutes. Half an hour after
    // the first, three starts count (the latest left out) over half an hour: 6 an hour, a little
    // less as they decay. Read over the whole 1 h or 6 h window they would say 1.7 or 0.33.
    long hour = 3_600_000L;
    NextUseModel m = new NextUseModel(6 * hour, hour, IDLE, PACE, (asset, rendition) -> 1);
    for (int s = 0; s < 4; s++) {
      m.observe("s" + s, "t", "720p", 0, s * 600_000L);
    }
    assertThat(m.rate("t", "720p", 0, 1_800_000L)).isCloseTo(6.0, within(0.1));
    // Two starts seconds apart say little: they count over ten minutes, not over the seconds.
    NextUseModel pair = new NextUseModel(6 * hour, hour, IDLE, PACE, (asset, rendition) -> 1);
    pair.observe("a", "u", "720p", 0, 0);
    pair.observe("b", "u", "720p", 0, 5_000);
    // (6.35 at the 1 h rate, whose decay weighs those ten minutes unevenly)
    assertThat(pair.rate("u", "720p", 0, 5_000)).isBetween(6.0, 6.4);
  }

  @Test
  void aTitleWatchedOnceIsWorthNothingToNewSessionsUntilASecondStart() {
    NextUseModel m = new NextUseModel(HALF_LIFE, HALF_LIFE, IDLE, PACE, (asset, rendition) -> 20);
    for (int seg = 0; seg < 20; seg++) {
      m.observe("v0", "a", "720p", seg, seg * PACE);
    }
    long later = 1_000_000;
    // Viewer 0 has gone silent: its one start says the title is watched, not how often.
    assertThat(m.rate("a", "720p", 0, later)).isZero();
    // A second viewer starts: the first start now counts, over the time since it; segment 0 is
    // asked for once per start.
    m.observe("v1", "a", "720p", 0, later);
    assertThat(m.rate("a", "720p", 0, later + 5 * IDLE))
        .isCloseTo(perHourSince(1, later + 5 * IDLE), within(1e-3));
  }

  @Test
  void anUnknownTitleIsWorthNothing() {
    assertThat(twoViewers().rate("b", "720p", 0, 0)).isZero();
  }

  @Test
  void theOpeningSegmentsKeepTheRenditionsPlayersStartIn() {
    // Three viewers of one 20-segment title each start in 360p for two segments, then play 720p.
    NextUseModel m = new NextUseModel(HALF_LIFE, HALF_LIFE, IDLE, PACE, (asset, rendition) -> 20);
    for (int v = 0; v < 3; v++) {
      for (int seg = 0; seg < 20; seg++) {
        m.observe("v" + v, "a", seg < 2 ? "360p" : "720p", seg, v * 1_000_000L + seg * PACE);
      }
    }
    long now = 10_000_000L; // every session has gone silent: new sessions alone
    // Three starts, the latest left out: two over the 2.8 h since the first, each asking for
    // every segment once, in the rendition every viewer used for that segment: 360p for 0 and 1,
    // 720p after (decayed by under 0.2% over the test's hours).
    double starts = perHourSince(2, now);
    assertThat(m.rate("a", "360p", 0, now)).isCloseTo(starts, within(starts / 100));
    assertThat(m.rate("a", "720p", 0, now)).isZero();
    assertThat(m.rate("a", "360p", 1, now)).isCloseTo(starts, within(starts / 100));
    assertThat(m.rate("a", "720p", 2, now)).isCloseTo(starts, within(starts / 100));
    assertThat(m.rate("a", "360p", 10, now)).isZero();
  }

  @Test
  void aSessionAheadMakesARequestAtMostAsLikelyAsItIsToGetThere() {
    NextUseModel m = twoViewers();
    long now = 4 * PACE;
    // Viewer 1 reaches segment 7 with 0.5, 18 s from now; new sessions add half of one start over
    // the 1024 s since the first (two starts, the latest left out). Within a minute: 1 - (1 - 0.5)
    // * e^(-fresh * 1/60 h); read as a Poisson stream at the segment's rate (100 an hour) it would
    // be 1 - e^(-100/60) = 0.81.
    double fresh = 0.5 * perHourSince(1, now + 1_000_000);
    // (The minutes of decay between the two viewers' requests move the reach by 1e-4.)
    assertThat(m.probabilityWithin("a", "720p", 7, now, 60_000))
        .isCloseTo(1 - 0.5 * Math.exp(-fresh / 60), within(1e-3));
    // Within 10 s viewer 1 cannot get there: only new sessions.
    assertThat(m.probabilityWithin("a", "720p", 7, now, 10_000))
        .isCloseTo(1 - Math.exp(-fresh / 360), within(1e-5));
  }

  @Test
  void knownArrivalRatesReplaceTheLearntOnesButNotTheSessionsInProgress() {
    NextUseModel m = twoViewers();
    long now = 4 * PACE;
    // 3 starts an hour from outside instead of the learnt 3.5: segment 3 is asked for
    // once per start, segment 7 by half of them, plus viewer 1's 100 an hour as before.
    m.knownArrivalRates((asset, at) -> asset.equals("a") && at == now ? 3.0 : 0.0);
    assertThat(m.rate("a", "720p", 3, now)).isCloseTo(3.0, within(1e-4));
    assertThat(m.rate("a", "720p", 7, now)).isCloseTo(3.0 * 0.5 + 100, within(0.01));
    // a title nobody has asked for has no reach in this cache, whatever its rate elsewhere
    assertThat(m.rate("b", "720p", 0, now)).isZero();
  }
}
