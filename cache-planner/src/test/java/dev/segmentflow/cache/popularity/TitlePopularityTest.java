package dev.segmentflow.cache.popularity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.schemas.events.Directive;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TitlePopularityTest {
  static final long MIN = 60_000;
  // Seeds, but one 1 h half-life for both rates: growth stays 1, so score = views/h exactly
  // (count x ln2 for a burst at the tick) and the arithmetic below is checkable by hand.
  final PopularityConfig config =
      PopularityConfig.defaults()
          .withHalfLife(java.time.Duration.ofHours(1))
          .withFastHalfLife(java.time.Duration.ofHours(1));

  static TitleActivity seg(String rendition, int segment, long tick, long requests) {
    return TitleActivity.ofSegment("eu", "a1", rendition, segment, tick, requests, requests * 1000);
  }

  @Test
  void turningHotSetsTheEdgeTtlAndWarmsTheFirstSegmentsOfWhatTheRegionPlays() {
    TitlePopularity t = new TitlePopularity("eu", "a1");
    long tick = 10 * MIN;
    for (int i = 0; i < 1500; i++) {
      t.recordPlay(tick - 1, tick);
    }
    t.recordActivity(seg("720p", 0, tick, 600));
    t.recordActivity(seg("1080p", 0, tick, 350));
    t.recordActivity(seg("240p", 0, tick, 50)); // 5% of requests: below the 10% share
    TitlePopularity.Outcome out = t.tick(tick, config);

    // 1500 views in the burst -> 1500 x ln 2 = 1039.7 views/h >= 1000: HOT.
    assertThat(out.row().score()).isEqualTo(1039.721);
    assertThat(out.row().temperature()).isEqualTo("HOT");
    Directive ttl = out.directives().get(0);
    assertThat(ttl.kind()).isEqualTo(Directive.Kind.TTL);
    assertThat(ttl.ttlSeconds()).isEqualTo(24 * 3600);
    assertThat(ttl.temperature()).isEqualTo(Directive.Temperature.HOT);
    Directive warm = out.directives().get(1);
    assertThat(warm.kind()).isEqualTo(Directive.Kind.PREFETCH);
    assertThat(warm.renditions()).containsExactly("720p", "1080p");
    assertThat(warm.segmentFrom()).isEqualTo(0);
    assertThat(warm.segmentTo()).isEqualTo(4);
    // Sessions in progress on 240p still get their look-ahead; 720p and 1080p are covered by the
    // first-segments warm.
    assertThat(out.directives()).hasSize(3);
    Directive ahead = out.directives().get(2);
    assertThat(ahead.renditions()).containsExactly("240p");
    assertThat(ahead.segmentFrom()).isEqualTo(1);
    assertThat(ahead.segmentTo()).isEqualTo(3);
  }

  @Test
  void lookAheadFollowsWhereSessionsAreAndAsksOnlyOnce() {
    TitlePopularity t = hotTitle();
    long tick = 20 * MIN;
    // One session went through 10..12 in this tick, another is at 20: heads are 12 and 20.
    for (int s : new int[] {10, 11, 12, 20}) {
      t.recordActivity(seg("720p", s, tick, 1));
    }
    List<Directive> d = t.tick(tick, config).directives();
    assertThat(d).extracting(Directive::segmentFrom).containsExactly(13, 21);
    assertThat(d).extracting(Directive::segmentTo).containsExactly(15, 23);
    assertThat(d).allSatisfy(x -> assertThat(x.renditions()).containsExactly("720p"));

    // Next tick the first session is at 14: 15 was already asked for, so only 16 and 17 are new.
    t.recordActivity(seg("720p", 13, tick + MIN, 1));
    t.recordActivity(seg("720p", 14, tick + MIN, 1));
    List<Directive> next = t.tick(tick + MIN, config).directives();
    assertThat(next).isEmpty(); // 15..17 are within the range already covered up to 23
  }

  @Test
  void aTitleThatStopsBeingWatchedIsDemotedThenEvictedThenForgotten() {
    TitlePopularity t = hotTitle();
    List<Directive> all = new ArrayList<>();
    boolean keep = true;
    long tick = 20 * MIN;
    int ticks = 0;
    while (keep && ticks < 10_000) {
      TitlePopularity.Outcome out = t.tick(tick, config);
      all.addAll(out.directives());
      keep = out.keep();
      tick += MIN;
      ticks++;
    }
    assertThat(keep).isFalse();
    assertThat(all)
        .extracting(d -> d.kind() + ":" + d.temperature())
        .containsExactly("TTL:WARM", "TTL:COLD", "EVICT:COLD");
    assertThat(all.get(0).ttlSeconds()).isEqualTo(12 * 3600);
    assertThat(all.get(1).ttlSeconds()).isEqualTo(3600);
  }

  @Test
  void liveTitlesGetTheLiveTtl() {
    TitlePopularity t = new TitlePopularity("eu", "a1");
    t.recordCatalogue(true, 0);
    for (int i = 0; i < 200; i++) {
      t.recordPlay(MIN - 1, MIN);
    }
    Directive ttl = t.tick(MIN, config).directives().get(0);
    assertThat(ttl.temperature()).isEqualTo(Directive.Temperature.WARM);
    assertThat(ttl.ttlSeconds()).isEqualTo(30);
  }

  @Test
  void sameInputsInAnotherOrderGiveTheSameDirectives() {
    TitlePopularity a = new TitlePopularity("eu", "a1");
    TitlePopularity b = new TitlePopularity("eu", "a1");
    List<TitleActivity> inputs = new ArrayList<>();
    for (int s = 0; s < 30; s += 3) {
      inputs.add(seg(s % 2 == 0 ? "720p" : "480p", s, MIN, 400 + s));
    }
    inputs.forEach(x -> a.recordActivity(x));
    for (int i = inputs.size() - 1; i >= 0; i--) {
      b.recordActivity(inputs.get(i));
    }
    for (int i = 0; i < 2000; i++) {
      a.recordPlay(i, MIN);
      b.recordPlay(1999 - i, MIN);
    }
    assertThat(b.tick(MIN, config)).isEqualTo(a.tick(MIN, config));
  }

  @Test
  void aTitleDroppedWithInputForALaterTickStartsAfreshAsIfTheInputCameAfter() {
    TitlePopularity early = new TitlePopularity("eu", "a1");
    early.recordActivity(seg("720p", 5, MIN, 1));
    long later = 500 * MIN;
    early.recordActivity(seg("720p", 0, later, 900)); // folded in ahead of the ticks between
    TitlePopularity.Outcome first = early.tick(MIN, config);
    long t = MIN;
    while (first.keep()) {
      t += MIN;
      first = early.tick(t, config);
    }
    assertThat(t).isLessThan(later);

    TitlePopularity afresh = early.laterInputs(t);
    TitlePopularity fromScratch = new TitlePopularity("eu", "a1");
    fromScratch.recordActivity(seg("720p", 0, later, 900));
    assertThat(afresh.tick(later, config)).isEqualTo(fromScratch.tick(later, config));
    assertThat(afresh.firstSeenMillis).isEqualTo(later);
    assertThat(new TitlePopularity("eu", "a1").laterInputs(t)).isNull();
  }

  private TitlePopularity hotTitle() {
    TitlePopularity t = new TitlePopularity("eu", "a1");
    for (int i = 0; i < 1500; i++) {
      t.recordPlay(0, 10 * MIN);
    }
    t.recordActivity(seg("720p", 0, 10 * MIN, 100));
    t.tick(10 * MIN, config);
    return t;
  }
}
