package dev.segmentflow.cache.policy;

import dev.segmentflow.cache.popularity.DecayedRate;
import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.popularity.SegmentActivity;
import dev.segmentflow.cache.popularity.SegmentHeat;
import dev.segmentflow.cache.popularity.Tier;
import dev.segmentflow.cache.popularity.TitlePopularity;
import dev.segmentflow.schemas.events.Directive;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An edge cache run by the popularity planner: the same {@link SegmentHeat} and {@link
 * TitlePopularity} the PopularityJob keeps, ticked on the same event-time grid, with its directives
 * obeyed (PREFETCH fetches, TTL sets expiry by temperature, EVICT drops a title).
 *
 * <p>Eviction samples resident objects and drops the one expected to be requested least: expired
 * objects first, then by the segment's own decayed rate plus a prior from its title (the title's
 * rate in that rendition times the share of views that reach that far into a title). A miss is not
 * admitted when it is expected to be requested less than the object it would push out.
 */
public final class PlannerCache implements VideoCache {
  private static final int SAMPLES = 16;
  private static final int REACH_BUCKET = 10;

  private final long capacity;
  private final PopularityConfig config;
  private final SegmentCatalogue catalogue;
  private final SplittableRandom random;
  private final Map<String, SegmentHeat> heat = new HashMap<>();
  private final Map<String, TraceRequest> dirty = new LinkedHashMap<>();
  private final Map<String, TitlePopularity> titles = new HashMap<>();
  private final Map<String, Entry> resident = new HashMap<>();
  private final List<Entry> slots = new ArrayList<>();
  private final Map<String, LinkedHashSet<Entry>> byTitle = new HashMap<>();
  private final Map<Integer, DecayedRate> reach = new HashMap<>();
  private final Map<Integer, Double> reachShares = new HashMap<>();
  private long used;
  private long nextTick = Long.MIN_VALUE;
  private long now;
  private long prefetched;
  private long prefetchHits;

  private static final class Entry {
    final String key;
    final String title;
    final String rendition;
    final int segment;
    final long size;
    long lastAccess;
    boolean prefetchedUnused;
    int slot;

    Entry(String key, String title, String rendition, int segment, long size) {
      this.key = key;
      this.title = title;
      this.rendition = rendition;
      this.segment = segment;
      this.size = size;
    }
  }

  public PlannerCache(
      long capacityBytes, PopularityConfig config, SegmentCatalogue catalogue, long seed) {
    this.capacity = capacityBytes;
    this.config = config;
    this.catalogue = catalogue;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public boolean access(TraceRequest r) {
    advanceTo(r.timeMillis());
    now = r.timeMillis();
    heat.computeIfAbsent(r.key(), k -> new SegmentHeat())
        .record(config.tickFor(r.timeMillis()), r.sizeBytes());
    dirty.putIfAbsent(r.key(), r);
    int bucket = r.segment() / REACH_BUCKET;
    reach.computeIfAbsent(bucket, b -> new DecayedRate()).add(now, 1, config.halfLifeMillis());
    Entry e = resident.get(r.key());
    if (e != null) {
      e.lastAccess = now;
      if (e.prefetchedUnused) {
        e.prefetchedUnused = false;
        prefetchHits++;
      }
      return true;
    }
    Entry candidate =
        new Entry(
            r.key(), titleKey(r.region(), r.assetId()), r.rendition(), r.segment(), r.sizeBytes());
    candidate.lastAccess = now;
    admit(candidate, false);
    return false;
  }

  private boolean admit(Entry candidate, boolean prefetch) {
    if (candidate.size > capacity) {
      return false;
    }
    if (used + candidate.size > capacity) {
      Entry victim = sampleVictim();
      if (victim != null && value(candidate) < value(victim)) {
        return false;
      }
      while (used + candidate.size > capacity) {
        remove(victim != null ? victim : sampleVictim());
        victim = null;
      }
    }
    candidate.prefetchedUnused = prefetch;
    candidate.slot = slots.size();
    slots.add(candidate);
    resident.put(candidate.key, candidate);
    byTitle.computeIfAbsent(candidate.title, t -> new LinkedHashSet<>()).add(candidate);
    used += candidate.size;
    return true;
  }

  private Entry sampleVictim() {
    Entry worst = null;
    double worstValue = Double.MAX_VALUE;
    int n = Math.min(SAMPLES, slots.size());
    for (int i = 0; i < n; i++) {
      Entry e = slots.get(random.nextInt(slots.size()));
      double v = value(e);
      if (v < worstValue) {
        worst = e;
        worstValue = v;
      }
    }
    return worst;
  }

  /** Expected requests per hour; -1 for an object whose TTL ran out (dropped first). */
  private double value(Entry e) {
    TitlePopularity title = titles.get(e.title);
    Tier tier = title == null ? Tier.GONE : title.tier;
    boolean live = title != null && title.live;
    long ttlMillis = config.ttlSeconds(tier, live) * 1000;
    if (resident.get(e.key) == e && now - e.lastAccess > ttlMillis) {
      return -1;
    }
    SegmentHeat h = heat.get(e.key);
    double ownRate = h == null ? 0 : h.requestsPerHour(now, config);
    double prior = 0;
    if (title != null) {
      prior = title.renditionRequestsPerHour(e.rendition, now, config) * reachShare(e.segment);
    }
    return ownRate + prior;
  }

  /** Of the requests a title gets, the share that land on segment {@code segment}. */
  private double reachShare(int segment) {
    Double share = reachShares.get(segment / REACH_BUCKET);
    return share == null ? 0 : share;
  }

  /** Recomputed at each tick: the shares move slowly and summing them per lookup is costly. */
  private void updateReachShares(long t) {
    double all = 0;
    for (DecayedRate r : reach.values()) {
      all += r.valueAt(t, config.halfLifeMillis());
    }
    reachShares.clear();
    if (all > 0) {
      for (var e : reach.entrySet()) {
        reachShares.put(
            e.getKey(), e.getValue().valueAt(t, config.halfLifeMillis()) / REACH_BUCKET / all);
      }
    }
  }

  private void remove(Entry e) {
    Entry last = slots.remove(slots.size() - 1);
    if (last != e) {
      slots.set(e.slot, last);
      last.slot = e.slot;
    }
    resident.remove(e.key);
    LinkedHashSet<Entry> set = byTitle.get(e.title);
    set.remove(e);
    if (set.isEmpty()) {
      byTitle.remove(e.title);
    }
    used -= e.size;
  }

  private void advanceTo(long t) {
    if (nextTick == Long.MIN_VALUE) {
      nextTick = Math.floorDiv(t, config.tickMillis()) * config.tickMillis() + config.tickMillis();
    }
    while (t >= nextTick) {
      tick(nextTick);
      nextTick += config.tickMillis();
    }
  }

  private void tick(long t) {
    now = t;
    for (Map.Entry<String, TraceRequest> d : dirty.entrySet()) {
      TraceRequest r = d.getValue();
      SegmentActivity a =
          heat.get(d.getKey()).tick(t, r.region(), r.assetId(), r.rendition(), r.segment(), config);
      if (a != null) {
        titles
            .computeIfAbsent(
                titleKey(r.region(), r.assetId()),
                k -> new TitlePopularity(r.region(), r.assetId()))
            .recordActivity(a);
      }
    }
    dirty.clear();
    updateReachShares(t);
    var it = titles.entrySet().iterator();
    while (it.hasNext()) {
      var entry = it.next();
      if (!entry.getValue().due(t)) {
        continue;
      }
      TitlePopularity.Outcome outcome = entry.getValue().tick(t, config);
      for (Directive d : outcome.directives()) {
        obey(entry.getKey(), d);
      }
      if (!outcome.keep()) {
        it.remove();
      }
    }
  }

  private void obey(String title, Directive d) {
    switch (d.kind()) {
      case EVICT -> {
        LinkedHashSet<Entry> set = byTitle.get(title);
        if (set != null) {
          for (Entry e : new ArrayList<>(set)) {
            remove(e);
          }
        }
      }
      case PREFETCH -> {
        for (String rendition : d.renditions()) {
          for (int seg = d.segmentFrom(); seg <= d.segmentTo(); seg++) {
            String key = SegmentCatalogue.key(d.assetId(), rendition, seg);
            long size = catalogue.sizeBytes(d.assetId(), rendition, seg);
            if (size < 0 || resident.containsKey(key)) {
              continue;
            }
            Entry e = new Entry(key, title, rendition, seg, size);
            e.lastAccess = now;
            if (admit(e, true)) {
              prefetched += size;
            }
          }
        }
      }
      case TTL -> {
        // Expiry is read from the title's tier at eviction time.
      }
    }
  }

  private static String titleKey(String region, String assetId) {
    return region + "|" + assetId;
  }

  @Override
  public long prefetchedBytes() {
    return prefetched;
  }

  /** Prefetched objects that a viewer later asked for. */
  public long prefetchHits() {
    return prefetchHits;
  }

  @Override
  public boolean contains(String key) {
    return resident.containsKey(key);
  }

  @Override
  public long usedBytes() {
    return used;
  }

  @Override
  public long capacityBytes() {
    return capacity;
  }

  @Override
  public String name() {
    return "planner";
  }
}
