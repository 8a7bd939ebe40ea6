package dev.segmentflow.cache.popularity;

import dev.segmentflow.schemas.events.Directive;
import dev.segmentflow.schemas.events.Ids;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Popularity of one title in one region and the directives it earns. Inputs between ticks (play
 * requests, segment activity) are only summed; everything else happens at the tick, so the same
 * inputs give the same directives whatever order they arrived in. The Flink job and the cache
 * simulator both drive this class, so what is simulated is what runs.
 *
 * <p>score = views per hour x exp(-age / ageDecayHours) x regional boost x trending boost.
 */
public final class TitlePopularity implements Serializable {
  private static final long serialVersionUID = 1L;

  public String region;
  public String assetId;
  public DecayedRate views = new DecayedRate();
  public DecayedRate fastViews = new DecayedRate();
  public HashMap<String, DecayedRate> renditionRequests = new HashMap<>();
  public long bytesServed;
  public long firstSeenMillis = -1;
  public long publishedAtMillis = -1;
  public boolean live;
  public Tier tier = Tier.GONE;

  /** Per rendition: the highest segment already asked for and when that run of prefetches began. */
  public HashMap<String, Integer> prefetchedThrough = new HashMap<>();

  public HashMap<String, Long> prefetchedSince = new HashMap<>();

  /** The next tick at which this title is re-evaluated without new input. */
  public long nextTickMillis = Long.MAX_VALUE;

  /** Inputs not yet folded in, under the tick they count in. */
  public TreeMap<Long, Pending> pending = new TreeMap<>();

  /** What arrived for one tick. */
  public static final class Pending implements Serializable {
    private static final long serialVersionUID = 1L;
    public long firstSeenMillis = Long.MAX_VALUE;
    public long plays;
    public long firstSegments;
    public long bytes;
    public TreeMap<String, Long> renditionRequests = new TreeMap<>();
    public TreeMap<String, TreeSet<Integer>> positions = new TreeMap<>();
  }

  public TitlePopularity() {}

  public TitlePopularity(String region, String assetId) {
    this.region = region;
    this.assetId = assetId;
  }

  /** What a tick produced. {@code keep} false: the title is gone and idle, drop its state. */
  public record Outcome(PopularityRow row, List<Directive> directives, boolean keep) {}

  /** A play request at {@code timeMillis}, counted in the tick {@code tickMillis}. */
  public void recordPlay(long timeMillis, long tickMillis) {
    Pending p = pending.computeIfAbsent(tickMillis, t -> new Pending());
    p.plays++;
    p.firstSeenMillis = Math.min(p.firstSeenMillis, timeMillis);
    seen(timeMillis);
  }

  public void recordCatalogue(boolean isLive, long publishedAt) {
    this.live = isLive;
    this.publishedAtMillis = publishedAt;
  }

  /** Segments served for this title, counted in the tick they were measured at. */
  public void recordActivity(TitleActivity a) {
    seen(a.tickMillis);
    Pending p = pending.computeIfAbsent(a.tickMillis, t -> new Pending());
    p.firstSeenMillis = Math.min(p.firstSeenMillis, a.tickMillis);
    p.firstSegments += a.firstSegments;
    p.bytes += a.bytes;
    for (int i = 0; i < a.renditions.length; i++) {
      p.renditionRequests.merge(a.renditions[i], a.requests[i], Long::sum);
      TreeSet<Integer> at = p.positions.computeIfAbsent(a.renditions[i], r -> new TreeSet<>());
      for (int segment : a.segments[i]) {
        at.add(segment);
      }
    }
  }

  /**
   * A title that has decayed away at tick {@code t} (its outcome says not to keep it) with input
   * already waiting for later ticks: that input as a title seeing it first would hold it, so the
   * title starts afresh exactly as if the input had arrived after it was dropped. Null when no
   * input waits. (The job folds input in as it arrives, possibly ahead of earlier ticks; a
   * time-ordered loop never holds input past the tick it evaluates.)
   */
  public TitlePopularity laterInputs(long t) {
    var later = pending.tailMap(t, false);
    if (later.isEmpty()) {
      return null;
    }
    TitlePopularity fresh = new TitlePopularity(region, assetId);
    for (var e : later.entrySet()) {
      fresh.pending.put(e.getKey(), e.getValue());
      fresh.seen(e.getValue().firstSeenMillis);
    }
    return fresh;
  }

  private void seen(long timeMillis) {
    if (firstSeenMillis < 0 || timeMillis < firstSeenMillis) {
      firstSeenMillis = timeMillis;
    }
  }

  public double viewsPerHour(long t, PopularityConfig config) {
    return views.perHour(t, config.halfLifeMillis());
  }

  /** Estimated requests per hour of one rendition of this title. */
  public double renditionRequestsPerHour(String rendition, long t, PopularityConfig config) {
    DecayedRate r = renditionRequests.get(rendition);
    return r == null ? 0 : r.perHour(t, config.halfLifeMillis());
  }

  /**
   * Whether the title is evaluated at tick {@code t}: when input is pending for it, or when its
   * schedule says so. Titles with no input are re-evaluated only every {@value #IDLE_TICKS} ticks:
   * decay is slow, and most of a catalogue is idle at any time.
   */
  public boolean due(long t) {
    return nextTickMillis <= t || (!pending.isEmpty() && pending.firstKey() <= t);
  }

  static final int IDLE_TICKS = 10;

  public Outcome tick(long t, PopularityConfig config) {
    long plays = 0;
    long firstSegments = 0;
    TreeMap<String, TreeSet<Integer>> positions = new TreeMap<>();
    var due = pending.headMap(t, true);
    for (Pending p : due.values()) {
      plays += p.plays;
      firstSegments += p.firstSegments;
      bytesServed += p.bytes;
      for (var e : p.renditionRequests.entrySet()) {
        renditionRequests
            .computeIfAbsent(e.getKey(), r -> new DecayedRate())
            .add(t, e.getValue(), config.halfLifeMillis());
      }
      for (var e : p.positions.entrySet()) {
        positions.computeIfAbsent(e.getKey(), r -> new TreeSet<>()).addAll(e.getValue());
      }
    }
    boolean hadInput = !due.isEmpty();
    due.clear();
    nextTickMillis = t + config.tickMillis() * (hadInput ? 1 : IDLE_TICKS);
    // Plays and first-segment requests count the same starts; whichever source is present wins.
    long started = Math.max(plays, firstSegments);
    views.add(t, started, config.halfLifeMillis());
    fastViews.add(t, started, config.fastHalfLifeMillis());

    double perHour = views.perHour(t, config.halfLifeMillis());
    double fast = fastViews.perHour(t, config.fastHalfLifeMillis());
    double growth = perHour > 0 ? fast / perHour : 1;
    long since = publishedAtMillis >= 0 ? publishedAtMillis : firstSeenMillis;
    double ageHours = Math.max(0, t - since) / 3_600_000.0;
    boolean trending = growth > config.trendingGrowth() && perHour >= config.threshold(Tier.COLD);
    double score =
        round(
            perHour
                * Math.exp(-ageHours / config.ageDecayHours())
                * config.regionalBoost(region)
                * (trending ? config.trendingBoost() : 1));

    List<Directive> out = new ArrayList<>();
    Tier next = TemperatureClassifier.next(tier, score, config);
    if (next != tier) {
      Tier previous = tier;
      tier = next;
      if (next == Tier.GONE) {
        out.add(evict(t, score, config, previous));
        prefetchedThrough.clear();
        prefetchedSince.clear();
      } else {
        out.add(ttl(t, score, config, previous, trending));
        if (next == Tier.HOT && config.prefetchFirstSegments() > 0) {
          List<String> played = playedRenditions(t, config);
          if (!played.isEmpty()) {
            out.add(
                prefetch(
                    t,
                    score,
                    config,
                    played,
                    0,
                    config.prefetchFirstSegments() - 1,
                    "turned hot: first segments of the renditions this region plays"));
            for (String r : played) {
              markPrefetched(r, config.prefetchFirstSegments() - 1, t);
            }
          }
        }
      }
    }
    if (tier == Tier.HOT && config.lookaheadSegments() > 0) {
      out.addAll(lookahead(t, score, config, positions));
    }

    PopularityRow row =
        new PopularityRow(
            region, assetId, t, round(perHour), round(growth), score, tier.name(), bytesServed, t);
    // Input already waiting for a later tick does not keep the title: see laterInputs.
    boolean idle = views.valueAt(t, config.halfLifeMillis()) < 0.05;
    return new Outcome(row, out, !(tier == Tier.GONE && idle));
  }

  private List<Directive> lookahead(
      long t, double score, PopularityConfig config, TreeMap<String, TreeSet<Integer>> positions) {
    List<Directive> out = new ArrayList<>();
    long window = config.ttlSeconds(tier, live) * 1000;
    for (Map.Entry<String, TreeSet<Integer>> e : positions.entrySet()) {
      String rendition = e.getKey();
      Long since = prefetchedSince.get(rendition);
      if (since != null && t - since > window) {
        // The edge's copies from that run may have expired; start over.
        prefetchedThrough.remove(rendition);
        prefetchedSince.remove(rendition);
      }
      int covered = prefetchedThrough.getOrDefault(rendition, -1);
      // Union of [p+1, p+L] over the positions sessions were at, minus what was already asked for.
      int runFrom = -1;
      int runTo = -1;
      TreeSet<Integer> at = e.getValue();
      for (int p : at) {
        if (at.contains(p + 1)) {
          continue; // not where a session is now: it went on to p + 1 within this tick
        }
        int from = Math.max(p + 1, covered + 1);
        int to = p + config.lookaheadSegments();
        if (from > to) {
          continue;
        }
        if (runFrom >= 0 && from <= runTo + 1) {
          runTo = Math.max(runTo, to);
        } else {
          if (runFrom >= 0) {
            out.add(lookaheadDirective(t, score, config, rendition, runFrom, runTo));
          }
          runFrom = from;
          runTo = to;
        }
        covered = Math.max(covered, to);
      }
      if (runFrom >= 0) {
        out.add(lookaheadDirective(t, score, config, rendition, runFrom, runTo));
        markPrefetched(rendition, runTo, t);
      }
    }
    return out;
  }

  private Directive lookaheadDirective(
      long t, double score, PopularityConfig config, String rendition, int from, int to) {
    return prefetch(
        t, score, config, List.of(rendition), from, to, "look-ahead for sessions in progress");
  }

  private void markPrefetched(String rendition, int through, long t) {
    int before = prefetchedThrough.getOrDefault(rendition, -1);
    if (through > before) {
      prefetchedThrough.put(rendition, through);
      prefetchedSince.putIfAbsent(rendition, t);
    }
  }

  /** Renditions with at least the configured share of this title's requests, most played first. */
  List<String> playedRenditions(long t, PopularityConfig config) {
    double total = 0;
    Map<String, Double> rates = new TreeMap<>();
    for (var e : renditionRequests.entrySet()) {
      double r = e.getValue().perHour(t, config.halfLifeMillis());
      rates.put(e.getKey(), r);
      total += r;
    }
    List<String> played = new ArrayList<>();
    for (var e : rates.entrySet()) {
      if (total > 0 && e.getValue() / total >= config.minRenditionShare()) {
        played.add(e.getKey());
      }
    }
    played.sort((a, b) -> Double.compare(rates.get(b), rates.get(a)));
    return played;
  }

  private Directive ttl(
      long t, double score, PopularityConfig config, Tier previous, boolean trending) {
    long ttl = config.ttlSeconds(tier, live);
    String reason =
        previous
            + " -> "
            + tier
            + " ("
            + tier.cacheTier()
            + " tier)"
            + (trending ? ", trending" : "")
            + (live ? ", live" : "");
    return directive(
        Directive.Kind.TTL, t, score, List.of(), null, null, ttl, t + ttl * 1000, reason);
  }

  private Directive evict(long t, double score, PopularityConfig config, Tier previous) {
    return directive(
        Directive.Kind.EVICT,
        t,
        score,
        List.of(),
        null,
        null,
        null,
        t + config.coldTtlSeconds() * 1000,
        previous + " -> below the cold threshold");
  }

  private Directive prefetch(
      long t,
      double score,
      PopularityConfig config,
      List<String> renditions,
      int from,
      int to,
      String reason) {
    long validFor = config.ttlSeconds(tier, live) * 1000;
    return directive(
        Directive.Kind.PREFETCH, t, score, renditions, from, to, null, t + validFor, reason);
  }

  private Directive directive(
      Directive.Kind kind,
      long t,
      double score,
      List<String> renditions,
      Integer from,
      Integer to,
      Long ttlSeconds,
      long validUntil,
      String reason) {
    String id = Ids.of("directive", kind, region, assetId, renditions, from, to, t);
    return new Directive(
        Directive.VERSION,
        id,
        kind,
        Directive.ScopeType.REGION,
        region,
        assetId,
        // A mutable list: Flink copies records with Kryo, which cannot rebuild List.of(..) lists.
        new ArrayList<>(renditions),
        from,
        to,
        ttlSeconds,
        tier.temperature(),
        score,
        reason,
        t,
        validUntil);
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
