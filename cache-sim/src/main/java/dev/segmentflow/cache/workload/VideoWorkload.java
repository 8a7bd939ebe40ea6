package dev.segmentflow.cache.workload;

import dev.segmentflow.cache.policy.SegmentCatalogue;
import dev.segmentflow.cache.policy.TraceRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A synthetic but structured video request trace. Titles are Zipf-popular; each region prefers its
 * own local titles; sessions start on a diurnal curve shifted per region, pick a title (new
 * releases and trending spikes lift some titles for a while), then fetch segments in order at
 * real-time pace and abandon along a Weibull survival curve (many leave early, few finish). The
 * rendition follows each session's bandwidth, which drifts, so sessions switch renditions. The same
 * spec and seed give the same trace.
 */
public final class VideoWorkload implements SegmentCatalogue {

  /** One rung of the ladder the titles were encoded with. */
  public record Rendition(String name, int kbps) {}

  /**
   * @param localShare fraction of titles that belong to one region (liked there, little elsewhere)
   * @param abandonShape Weibull shape of watch time; below 1 means early abandonment dominates
   * @param abandonScale Weibull scale as a fraction of the title's length
   */
  public record Spec(
      long seed,
      int titles,
      List<String> regions,
      List<Double> regionWeights,
      int days,
      int sessionsPerDay,
      double zipfAlpha,
      List<Rendition> ladder,
      int segmentSeconds,
      double localShare,
      double abandonShape,
      double abandonScale,
      double releaseShare,
      int trendingSpikesPerDay,
      Shape shape) {

    public static Spec standard(long seed) {
      return new Spec(
          seed,
          800,
          List.of("eu", "us", "apac"),
          List.of(0.45, 0.35, 0.20),
          2,
          6000,
          0.9,
          List.of(
              new Rendition("240p", 400),
              new Rendition("480p", 1200),
              new Rendition("720p", 3000),
              new Rendition("1080p", 6000)),
          6,
          0.2,
          0.6,
          0.35,
          0.05,
          3,
          Shape.STANDARD);
    }

    /**
     * Many short clips (1-5 minutes) in a catalogue five times larger, watched in short sessions:
     * the shape of a user-generated or news catalogue.
     */
    public static Spec shortClips(long seed) {
      return standard(seed).reshaped(4000, 30_000, 0.8, 0.8, 0.7, Shape.SHORT);
    }

    /**
     * Films and series (episodes of 40-60 minutes in series of 8, films of 90-140 minutes) watched
     * in long sessions, where a viewer who finishes an episode often goes on to the next.
     */
    public static Spec longForm(long seed) {
      Spec s = standard(seed);
      return s.reshaped(600, 3000, s.zipfAlpha, 0.9, 0.6, Shape.LONG);
    }

    /** This workload with another catalogue, audience and way of watching. */
    private Spec reshaped(
        int titleCount,
        int perDay,
        double alpha,
        double shapeOfAbandon,
        double scaleOfAbandon,
        Shape newShape) {
      return new Spec(
          seed,
          titleCount,
          regions,
          regionWeights,
          days,
          perDay,
          alpha,
          ladder,
          segmentSeconds,
          localShare,
          shapeOfAbandon,
          scaleOfAbandon,
          releaseShare,
          trendingSpikesPerDay,
          newShape);
    }

    public static Spec of(String shape, long seed) {
      return switch (shape) {
        case "standard" -> standard(seed);
        case "short" -> shortClips(seed);
        case "long" -> longForm(seed);
        default -> throw new IllegalArgumentException("workload shape is standard, short or long");
      };
    }

    /** The same workload over another number of days (the trace is generated whole). */
    public Spec lasting(int dayCount) {
      return scaled(titles, dayCount, sessionsPerDay);
    }

    /** The same workload at another size: how many titles, how many sessions a day. */
    public Spec sized(int titleCount, int perDay) {
      return scaled(titleCount, days, perDay);
    }

    private Spec scaled(int titleCount, int dayCount, int perDay) {
      return new Spec(
          seed,
          titleCount,
          regions,
          regionWeights,
          dayCount,
          perDay,
          zipfAlpha,
          ladder,
          segmentSeconds,
          localShare,
          abandonShape,
          abandonScale,
          releaseShare,
          trendingSpikesPerDay,
          shape);
    }
  }

  /** What kind of catalogue and viewing the workload models. */
  public enum Shape {
    STANDARD,
    SHORT,
    LONG
  }

  /** Episodes of a series in the long-form shape: a binge goes on to the next in its series. */
  static final int SERIES_LENGTH = 8;

  /** Of the viewers who finish an episode, how many go on to the next one. */
  static final double BINGE_SHARE = 0.6;

  private static final long HOUR = 3_600_000L;

  private final Spec spec;
  private final int[] segments;
  private final double[] zipfWeight;
  private final int[] homeRegion;
  private final long[] releasedAt;
  private final List<Spike> spikes = new ArrayList<>();
  private final Map<String, String> keys = new HashMap<>();

  private record Spike(int title, int region, long from, long to) {}

  public VideoWorkload(Spec spec) {
    this.spec = spec;
    SplittableRandom random = new SplittableRandom(spec.seed());
    int n = spec.titles();
    segments = new int[n];
    zipfWeight = new double[n];
    homeRegion = new int[n];
    releasedAt = new long[n];
    long horizon = spec.days() * 24 * HOUR;
    for (int i = 0; i < n; i++) {
      int minutes =
          switch (spec.shape()) {
              // A fifth are films of 80-130 minutes, the rest episodes of 20-55 minutes.
            case STANDARD ->
                random.nextDouble() < 0.2 ? 80 + random.nextInt(51) : 20 + random.nextInt(36);
            case SHORT -> 1 + random.nextInt(5);
              // Series of SERIES_LENGTH episodes; every third series slot is a film instead.
            case LONG ->
                (i / SERIES_LENGTH) % 3 == 2 ? 90 + random.nextInt(51) : 40 + random.nextInt(21);
          };
      segments[i] = minutes * 60 / spec.segmentSeconds();
      zipfWeight[i] = 1 / Math.pow(i + 1, spec.zipfAlpha());
      homeRegion[i] =
          random.nextDouble() < spec.localShare() ? random.nextInt(spec.regions().size()) : -1;
      releasedAt[i] =
          random.nextDouble() < spec.releaseShare() ? (long) (random.nextDouble() * horizon) : -1;
    }
    // Spikes lift titles from outside the top few, which are popular anyway.
    int spikeFloor = Math.min(50, n / 10);
    for (int d = 0; d < spec.days(); d++) {
      for (int s = 0; s < spec.trendingSpikesPerDay(); s++) {
        long from = d * 24 * HOUR + (long) (random.nextDouble() * 24 * HOUR);
        spikes.add(
            new Spike(
                spikeFloor + random.nextInt(n - spikeFloor),
                random.nextInt(spec.regions().size()),
                from,
                from + 3 * HOUR));
      }
    }
  }

  public Spec spec() {
    return spec;
  }

  public String assetId(int title) {
    return String.format("title-%04d", title);
  }

  /** The title an asset id of this workload names, or -1. */
  public int titleIndex(String assetId) {
    if (!assetId.startsWith("title-")) {
      return -1;
    }
    int title;
    try {
      title = Integer.parseInt(assetId.substring("title-".length()));
    } catch (RuntimeException e) {
      return -1;
    }
    return title >= 0 && title < segments.length ? title : -1;
  }

  @Override
  public long sizeBytes(String assetId, String rendition, int segment) {
    int title = titleIndex(assetId);
    if (title < 0 || segment < 0 || segment >= segments[title]) {
      return -1;
    }
    for (Rendition r : spec.ladder()) {
      if (r.name().equals(rendition)) {
        return size(title, r, segment);
      }
    }
    return -1;
  }

  private long size(int title, Rendition r, int segment) {
    // Scene complexity varies the size of each segment by +-20% around the nominal bitrate.
    long h = mix(((long) title << 40) ^ ((long) r.kbps() << 20) ^ segment);
    double jitter = 0.8 + 0.4 * ((h >>> 11) / (double) (1L << 53));
    return (long) (r.kbps() * 1000L / 8 * spec.segmentSeconds() * jitter);
  }

  /** Generates the whole trace, ordered by time. */
  public List<TraceRequest> generate() {
    SplittableRandom random = new SplittableRandom(spec.seed() * 31 + 7);
    long horizon = spec.days() * 24 * HOUR;
    int totalSessions = spec.days() * spec.sessionsPerDay();
    List<TraceRequest> trace = new ArrayList<>();
    double[] weights = new double[spec.titles()];
    for (int s = 0; s < totalSessions; s++) {
      int region = pick(random, spec.regionWeights());
      long start = diurnalStart(random, region, horizon);
      int title = pickTitle(random, region, start, weights);
      if (title < 0) {
        continue;
      }
      session(random, s, region, title, start, trace);
    }
    trace.sort(
        (a, b) -> {
          int c = Long.compare(a.timeMillis(), b.timeMillis());
          return c != 0 ? c : a.sessionId().compareTo(b.sessionId());
        });
    return trace;
  }

  private void session(
      SplittableRandom random,
      int index,
      int region,
      int title,
      long start,
      List<TraceRequest> out) {
    session(random, index, region, title, start, out, "s" + index, false);
  }

  private void session(
      SplittableRandom random,
      int index,
      int region,
      int title,
      long start,
      List<TraceRequest> out,
      String sessionId,
      boolean nextEpisode) {
    String asset = assetId(title);
    int length = segments[title];
    // One in ten resumes a title part-way through.
    int first =
        !nextEpisode && random.nextDouble() < 0.1 ? random.nextInt(Math.max(1, length / 2)) : 0;
    double watchFraction =
        spec.abandonScale() * Math.pow(-Math.log(1 - random.nextDouble()), 1 / spec.abandonShape());
    int last = Math.min(length - 1, first + (int) Math.ceil(watchFraction * length));
    // Bandwidth in kbit/s: log-normal around 5 Mbit/s, drifting segment to segment.
    double bandwidth = 5000 * Math.exp(0.8 * gaussian(random));
    long t = start;
    for (int seg = first; seg <= last; seg++) {
      bandwidth *= Math.exp(0.15 * gaussian(random));
      int rung = rungFor(bandwidth);
      if (seg - first < 2) {
        rung = Math.max(0, rung - 1); // players start a rung low until they have measured
      }
      Rendition r = spec.ladder().get(rung);
      long size = size(title, r, seg);
      String key = keys.computeIfAbsent(SegmentCatalogue.key(asset, r.name(), seg), k -> k);
      out.add(
          new TraceRequest(
              t, key, size, spec.regions().get(region), asset, r.name(), seg, sessionId));
      t += seg - first < 2 ? 1000 : spec.segmentSeconds() * 1000L;
    }
    boolean series = (title / SERIES_LENGTH) % 3 != 2;
    if (spec.shape() == Shape.LONG
        && series
        && last == length - 1
        && title % SERIES_LENGTH < SERIES_LENGTH - 1
        && title + 1 < segments.length
        && random.nextDouble() < BINGE_SHARE) {
      // The next episode, in the same session, after the credits.
      session(random, index, region, title + 1, t + 20_000, out, sessionId, true);
    }
  }

  private int rungFor(double bandwidthKbps) {
    int rung = 0;
    for (int i = 0; i < spec.ladder().size(); i++) {
      if (spec.ladder().get(i).kbps() <= 0.8 * bandwidthKbps) {
        rung = i;
      }
    }
    return rung;
  }

  private long diurnalStart(SplittableRandom random, int region, long horizon) {
    while (true) {
      long t = (long) (random.nextDouble() * horizon);
      if (random.nextDouble() * 1.7 < load(region, t)) {
        return t;
      }
    }
  }

  /** The region's diurnal load at {@code t}: 1 on average over a day, 1.7 at its peak. */
  private static double load(int region, long t) {
    // Regions peak at 21:00 local time; their clocks are 0, -7 and +8 hours from the first.
    int[] offsets = {0, -7, 8};
    double localHour = ((t / (double) HOUR) + offsets[region % offsets.length]) % 24;
    return 1 + 0.7 * Math.cos(2 * Math.PI * (localHour - 21) / 24);
  }

  /**
   * The rate this workload starts sessions of each title in the region at {@code at}, per hour:
   * what the generator draws from, not what it happened to draw. Next episodes a binge goes on to
   * are not starts of their own. Index by title.
   */
  public double[] startsPerHour(String region, long at) {
    int r = spec.regions().indexOf(region);
    if (r < 0) {
      throw new IllegalArgumentException("no region " + region);
    }
    double[] weights = new double[spec.titles()];
    double total = titleWeights(r, at, weights);
    double sessions =
        spec.sessionsPerDay() / 24.0 * spec.regionWeights().get(r) * load(r, at) / total;
    for (int i = 0; i < weights.length; i++) {
      weights[i] *= sessions;
    }
    return weights;
  }

  private int pickTitle(SplittableRandom random, int region, long at, double[] weights) {
    double total = titleWeights(region, at, weights);
    double u = random.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  /** Fills each title's chance to be picked in the region at {@code at}; returns their sum. */
  private double titleWeights(int region, long at, double[] weights) {
    double total = 0;
    for (int i = 0; i < weights.length; i++) {
      double w = zipfWeight[i];
      if (homeRegion[i] >= 0) {
        w *= homeRegion[i] == region ? 4 : 0.25;
      }
      if (releasedAt[i] >= 0) {
        if (at < releasedAt[i]) {
          w = 0;
        } else {
          // A release opens among the top titles and settles over about half a day.
          w += zipfWeight[0] * 0.5 * Math.exp(-(at - releasedAt[i]) / (12.0 * HOUR));
        }
      }
      weights[i] = w;
      total += w;
    }
    for (Spike s : spikes) {
      if (s.region() == region && at >= s.from() && at < s.to()) {
        total += zipfWeight[0] - weights[s.title()];
        weights[s.title()] = zipfWeight[0];
      }
    }
    return total;
  }

  private static int pick(SplittableRandom random, List<Double> weights) {
    double u = random.nextDouble();
    for (int i = 0; i < weights.size(); i++) {
      u -= weights.get(i);
      if (u < 0) {
        return i;
      }
    }
    return weights.size() - 1;
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = 1 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
