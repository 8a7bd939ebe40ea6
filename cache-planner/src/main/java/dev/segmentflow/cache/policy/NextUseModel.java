package dev.segmentflow.cache.policy;

import dev.segmentflow.cache.popularity.DecayedRate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * How soon a segment will be asked for again, from how video is watched: a session that fetched
 * segment k of a title will, unless it abandons or switches rendition, ask for k+1 one segment
 * duration later; and new sessions of a title arrive at the title's rate and get as far into it as
 * the reach curve says.
 *
 * <p>{@link #rate} is the expected requests per hour for one object: the sum over the sessions in
 * progress positioned before it on the same title of (probability to reach it in that rendition) /
 * (time until they get there), plus the title's session arrival rate (the larger of its rate over
 * hours and its recent rate) times the expected requests per session start for a segment that far
 * into a title, times the rendition's share. A title's arrival rate leaves out its latest start and
 * counts only the time since its first (see {@link #arrivalsPerHour}). Evicting the object with the
 * lowest rate is the online analogue of Belady's furthest next use; for byte hit ratio the object's
 * size cancels out (keeping it costs its size, a hit saves its size).
 *
 * <p>Everything is learnt from the requests: the reach curve (over the fraction of a title watched,
 * so titles of any length share it), rendition shares (apart for each of a title's first {@link
 * #OPENING} segments, which players fetch before they have measured), how often a session switches
 * rendition between two segments, each session's pace. A session that has missed three paces
 * protects nothing ahead of it; one silent for longer than the idle time is forgotten. One costs a
 * few dozen bytes while active.
 */
public final class NextUseModel {
  /** Fraction-of-title bins of the reach curve. */
  static final int BINS = 20;

  /** Segments 0 .. OPENING-1 of a title each keep rendition shares of their own; the rest share. */
  static final int OPENING = 3;

  /** Paces without a request after which a session no longer protects the segments ahead. */
  static final int OVERDUE_PACES = 3;

  /**
   * The shortest time a title's starts are taken to have been observed over: two sessions that
   * start seconds apart say little about the title's rate.
   */
  static final long MIN_EXPOSURE_MILLIS = 10 * 60_000;

  /** How far ahead of a session a segment still counts as protected by it. */
  static final int MAX_AHEAD = 600;

  private final long halfLifeMillis;
  private final long recentHalfLifeMillis;
  private final long idleMillis;
  private final long defaultPaceMillis;
  private final TitleLengths lengths;
  private final Map<String, Title> titles = new HashMap<>();
  private final Map<String, Session> sessions = new HashMap<>();
  private final DecayedRate[] reach = new DecayedRate[BINS];
  private final DecayedRate starts = new DecayedRate();
  // Rendition counts by the segment's place in the title: players start low and climb as they
  // measure, so the first segments are asked for in other renditions than the rest.
  private final List<Map<String, DecayedRate>> renditions = new ArrayList<>();
  private final DecayedRate[] allRenditions = new DecayedRate[OPENING + 1];
  private final DecayedRate steps = new DecayedRate();
  private final DecayedRate switches = new DecayedRate();
  private long lastExpiry = Long.MIN_VALUE;
  // The curve, shares and switch powers as of refreshedAt: they move with the half-life (hours),
  // so reading them afresh for every sampled victim would only cost time.
  private static final long REFRESH_MILLIS = 5_000;
  private long refreshedAt = Long.MIN_VALUE;
  private final double[] perStart = new double[BINS];
  private final List<Map<String, Double>> shares = new ArrayList<>();
  private final double[] stayPowers = new double[MAX_AHEAD + 1];

  /**
   * A title's session arrivals per hour known from outside the requests. The edge has none; the
   * simulator can hand in the rates its workload draws from, to measure what a perfect estimate of
   * demand would be worth.
   */
  @FunctionalInterface
  public interface ArrivalRates {
    double perHour(String assetId, long nowMillis);
  }

  private ArrivalRates knownRates;

  /** The number of segments of a title, or -1 when unknown. */
  @FunctionalInterface
  public interface TitleLengths {
    int segments(String assetId, String rendition);
  }

  /**
   * @param halfLifeMillis how fast arrival rates, the reach curve and shares forget
   * @param recentHalfLifeMillis the half-life of a title's recent arrival rate: a title is taken to
   *     arrive at the larger of the two rates, so a title that has just started trending or was
   *     just released counts at its current rate, not at its average of the last hours
   * @param idleMillis a session silent this long has ended (abandoned, or paused past caring)
   * @param defaultPaceMillis time between two segments of a session, until it has shown its own
   */
  public NextUseModel(
      long halfLifeMillis,
      long recentHalfLifeMillis,
      long idleMillis,
      long defaultPaceMillis,
      TitleLengths lengths) {
    this.halfLifeMillis = halfLifeMillis;
    this.recentHalfLifeMillis = recentHalfLifeMillis;
    this.idleMillis = idleMillis;
    this.defaultPaceMillis = defaultPaceMillis;
    this.lengths = lengths;
    for (int i = 0; i < BINS; i++) {
      reach[i] = new DecayedRate();
    }
    for (int c = 0; c <= OPENING; c++) {
      renditions.add(new HashMap<>());
      allRenditions[c] = new DecayedRate();
      shares.add(new HashMap<>());
    }
  }

  private static final class Title {
    final String assetId;
    final DecayedRate starts = new DecayedRate();
    final DecayedRate recentStarts = new DecayedRate();
    final List<Session> active = new ArrayList<>(2);
    int length = -1;
    long latestStart = Long.MIN_VALUE;
    long firstStart = Long.MIN_VALUE;

    Title(String assetId) {
      this.assetId = assetId;
    }
  }

  /** About 40 bytes of fields, plus the map entry that finds it by id. */
  private static final class Session {
    final Title title;
    String rendition;
    int position;
    long lastMillis;
    float paceMillis;

    Session(Title title) {
      this.title = title;
    }
  }

  /** Takes titles' arrival rates from {@code rates} instead of learning them from the starts. */
  public void knownArrivalRates(ArrivalRates rates) {
    this.knownRates = rates;
  }

  /** Learns from one request: a video request needs its session, title, rendition and segment. */
  public void observe(
      String sessionId, String assetId, String rendition, int segment, long timeMillis) {
    expireEvery(timeMillis);
    Title t = titles.computeIfAbsent(assetId, Title::new);
    if (t.length < 0) {
      t.length = lengths.segments(assetId, rendition);
    }
    int place = place(segment);
    renditions
        .get(place)
        .computeIfAbsent(rendition, r -> new DecayedRate())
        .add(timeMillis, 1, halfLifeMillis);
    allRenditions[place].add(timeMillis, 1, halfLifeMillis);
    learnReach(segment, Math.max(t.length, segment + 1), timeMillis);
    if (sessionId == null) {
      return;
    }
    Session s = sessions.get(sessionId);
    if (s == null || s.title != t) {
      if (s != null) {
        s.title.active.remove(s);
      }
      s = new Session(t);
      s.paceMillis = defaultPaceMillis;
      s.position = segment;
      sessions.put(sessionId, s);
      t.active.add(s);
      t.starts.add(timeMillis, 1, halfLifeMillis);
      t.recentStarts.add(timeMillis, 1, recentHalfLifeMillis);
      t.latestStart = Math.max(t.latestStart, timeMillis);
      if (t.firstStart == Long.MIN_VALUE) {
        t.firstStart = timeMillis;
      }
      starts.add(timeMillis, 1, halfLifeMillis);
    } else {
      int advanced = segment - s.position;
      if (advanced == 1) {
        steps.add(timeMillis, 1, halfLifeMillis);
        if (!rendition.equals(s.rendition)) {
          switches.add(timeMillis, 1, halfLifeMillis);
        }
        long gap = timeMillis - s.lastMillis;
        if (gap > 0 && gap < idleMillis) {
          s.paceMillis = 0.7f * s.paceMillis + 0.3f * gap;
        }
      }
      s.position = Math.max(s.position, segment);
    }
    s.rendition = rendition;
    s.lastMillis = timeMillis;
  }

  /** Expected requests per hour for segment {@code segment} of the title in {@code rendition}. */
  public double rate(String assetId, String rendition, int segment, long nowMillis) {
    Title t = titles.get(assetId);
    if (t == null) {
      return 0;
    }
    refresh(nowMillis);
    double[] ahead = {0};
    double fresh =
        estimate(
            t,
            rendition,
            segment,
            nowMillis,
            (probability, millis) -> ahead[0] += probability / (millis / 3_600_000.0));
    return fresh + ahead[0];
  }

  /**
   * The probability that segment {@code segment} of the title is asked for in {@code rendition}
   * within {@code horizonMillis}: new sessions as a Poisson stream at their rate, and each session
   * in progress at most once, with its own probability, if its pace brings it there in time.
   */
  public double probabilityWithin(
      String assetId, String rendition, int segment, long nowMillis, double horizonMillis) {
    Title t = titles.get(assetId);
    if (t == null) {
      return 0;
    }
    refresh(nowMillis);
    double[] missed = {1};
    double fresh =
        estimate(
            t,
            rendition,
            segment,
            nowMillis,
            (probability, millis) -> {
              if (millis <= horizonMillis) {
                missed[0] *= 1 - probability;
              }
            });
    return 1 - missed[0] * Math.exp(-fresh * horizonMillis / 3_600_000.0);
  }

  /** What one session in progress may do: ask with this probability, this far from now. */
  @FunctionalInterface
  private interface SessionAhead {
    void accept(double probability, double millis);
  }

  /**
   * Hands each session in progress positioned before the segment to {@code ahead}; returns the
   * requests per hour from new sessions.
   */
  private double estimate(
      Title t, String rendition, int segment, long nowMillis, SessionAhead ahead) {
    int length = Math.max(t.length, segment + 1);
    double share = shares.get(place(segment)).getOrDefault(rendition, 0.0);
    double atSegment = perStart[bin(segment, length)];
    double arrivals =
        knownRates != null
            ? knownRates.perHour(t.assetId, nowMillis)
            : Math.max(
                arrivalsPerHour(t, t.starts, halfLifeMillis, nowMillis),
                arrivalsPerHour(t, t.recentStarts, recentHalfLifeMillis, nowMillis));
    for (Session s : t.active) {
      int gap = segment - s.position;
      // A player asks for a segment every pace; three paces without one, it has most likely
      // left. It keeps its place until the idle time, so a resume goes on from there.
      if (gap <= 0
          || gap > MAX_AHEAD
          || nowMillis - s.lastMillis >= Math.min(idleMillis, OVERDUE_PACES * s.paceMillis)) {
        continue;
      }
      double here = perStart[bin(s.position, length)];
      double reachIt = here <= 0 ? 0 : Math.min(1, atSegment / here);
      double kept = stayPowers[gap];
      double inRendition =
          rendition.equals(s.rendition) ? kept + (1 - kept) * share : (1 - kept) * share;
      ahead.accept(reachIt * inRendition, Math.max(gap * (double) s.paceMillis, 1));
    }
    return arrivals * atSegment * share;
  }

  /**
   * A title's session arrivals per hour from its decayed count of starts, leaving out the latest
   * start. The model holds a title because it was started, so the start that brought it here says
   * that it is watched, not how often: with it, a title watched once in a catalogue of thousands
   * would count as watched once per half-life (the 1 h recent rate: about 0.7 an hour) until it
   * decayed. Counting the starts before the latest one is the unbiased (n - 1) / T of a Poisson
   * rate observed up to an arrival; a title watched once is worth nothing to new sessions until a
   * second start.
   *
   * <p>T is the time since the title's first start (at least {@link #MIN_EXPOSURE_MILLIS}), decayed
   * as the count is: before its first start nothing says the title could be watched at all (a
   * release, or this edge just started). A title released an hour ago and started twenty times
   * since would otherwise read as those starts spread over the whole window: a ninth of its rate at
   * 6 h, half of it at 1 h.
   */
  private static double arrivalsPerHour(
      Title t, DecayedRate starts, long halfLifeMillis, long nowMillis) {
    double latest =
        t.latestStart == Long.MIN_VALUE
            ? 0
            : DecayedRate.decay(Math.max(0, nowMillis - t.latestStart), halfLifeMillis);
    double exposure =
        t.firstStart == Long.MIN_VALUE
            ? 1
            : 1
                - DecayedRate.decay(
                    Math.max(MIN_EXPOSURE_MILLIS, nowMillis - t.firstStart), halfLifeMillis);
    return DecayedRate.perHour(
            Math.max(0, starts.valueAt(nowMillis, halfLifeMillis) - latest), halfLifeMillis)
        / exposure;
  }

  private void refresh(long nowMillis) {
    if (refreshedAt != Long.MIN_VALUE && Math.abs(nowMillis - refreshedAt) < REFRESH_MILLIS) {
      return;
    }
    refreshedAt = nowMillis;
    double s = starts.valueAt(nowMillis, halfLifeMillis);
    for (int b = 0; b < BINS; b++) {
      perStart[b] = s <= 0 ? 0 : reach[b].valueAt(nowMillis, halfLifeMillis) / s;
    }
    for (int c = 0; c <= OPENING; c++) {
      double all = allRenditions[c].valueAt(nowMillis, halfLifeMillis);
      Map<String, Double> at = shares.get(c);
      at.clear();
      for (var r : renditions.get(c).entrySet()) {
        at.put(r.getKey(), all <= 0 ? 0 : r.getValue().valueAt(nowMillis, halfLifeMillis) / all);
      }
    }
    double stay = 1 - switchProbability(nowMillis);
    stayPowers[0] = 1;
    for (int g = 1; g <= MAX_AHEAD; g++) {
      stayPowers[g] = stayPowers[g - 1] * stay;
    }
  }

  /** Whether any request for the title has been seen (and not yet forgotten). */
  public boolean knows(String assetId) {
    return titles.containsKey(assetId);
  }

  /** Sessions in progress (not yet forgotten). */
  public int activeSessions() {
    return sessions.size();
  }

  /** Titles with state. */
  public int titles() {
    return titles.size();
  }

  /** Forgets sessions silent longer than the idle time, and titles left with nothing. */
  public void expire(long nowMillis) {
    Iterator<Map.Entry<String, Session>> it = sessions.entrySet().iterator();
    while (it.hasNext()) {
      Session s = it.next().getValue();
      if (nowMillis - s.lastMillis >= idleMillis) {
        s.title.active.remove(s);
        it.remove();
      }
    }
    // A title's arrival rate decays toward nothing; below one start per ten half-lives it is gone.
    titles
        .values()
        .removeIf(t -> t.active.isEmpty() && t.starts.valueAt(nowMillis, halfLifeMillis) < 1e-3);
    lastExpiry = nowMillis;
  }

  private void expireEvery(long nowMillis) {
    if (lastExpiry == Long.MIN_VALUE) {
      lastExpiry = nowMillis;
    } else if (nowMillis - lastExpiry >= idleMillis) {
      expire(nowMillis);
    }
  }

  private double switchProbability(long nowMillis) {
    double n = steps.valueAt(nowMillis, halfLifeMillis);
    return n <= 0 ? 0 : Math.min(1, switches.valueAt(nowMillis, halfLifeMillis) / n);
  }

  /**
   * Adds one request to the reach curve, weighted so that the curve reads as requests per segment
   * per session start: a bin of a long title holds length / BINS segments, each counting BINS /
   * length; a segment of a title shorter than BINS segments spans several bins, each counting it
   * once.
   */
  private void learnReach(int segment, int length, long timeMillis) {
    if (length >= BINS) {
      reach[bin(segment, length)].add(timeMillis, BINS / (double) length, halfLifeMillis);
      return;
    }
    int first = bin(segment, length);
    int end = Math.max(first + 1, Math.min(BINS, (int) ((long) (segment + 1) * BINS / length)));
    for (int b = first; b < end; b++) {
      reach[b].add(timeMillis, 1, halfLifeMillis);
    }
  }

  private static int place(int segment) {
    return Math.min(segment, OPENING);
  }

  private static int bin(int segment, int length) {
    return Math.min(BINS - 1, (int) ((long) segment * BINS / Math.max(1, length)));
  }
}
