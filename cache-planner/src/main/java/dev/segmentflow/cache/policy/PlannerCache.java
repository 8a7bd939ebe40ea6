package dev.segmentflow.cache.policy;

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
 * objects first, then by the {@link NextUseModel}'s rate (sessions in progress positioned before
 * the object, and new sessions of its title as far as the reach curve takes them). A miss is not
 * admitted when it is expected to be requested less than the object it would push out.
 *
 * <p>Requests without video fields (a foreign trace) go to an S3-FIFO cache of the same capacity:
 * without titles, sessions and segments there is nothing to plan with.
 */
public final class PlannerCache implements VideoCache {
  private static final int SAMPLES = 32;

  /** A session silent this long has ended: its next segments are no longer protected by it. */
  static final long SESSION_IDLE_MILLIS = 60_000;

  /** Time between two segments of a session until its own pace is known. */
  static final long DEFAULT_PACE_MILLIS = 6_000;

  /**
   * How sure the estimate must be that a prefetched object is asked for before it is evicted. A
   * prefetched byte is origin traffic whether or not anyone asks for it, so a prefetch can at best
   * save latency; one nobody asks for costs its bytes and the object it pushed out.
   */
  static final double PREFETCH_CONFIDENCE = 0.9;

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
  private final NextUseModel model;
  private final S3FifoCache generic;
  private long used;
  // How long evicted objects stayed (smoothed): the time a new object has to be asked for.
  private double residencyMillis = -1;
  private long nextTick = Long.MIN_VALUE;
  private long now;
  private long prefetched;
  private long prefetchHits;

  private static final class Entry {
    final String key;
    final String title;
    final String assetId;
    final String rendition;
    final int segment;
    final long size;
    long admittedAt;
    long lastAccess;
    boolean prefetchedUnused;
    int slot;

    Entry(String key, String title, String assetId, String rendition, int segment, long size) {
      this.key = key;
      this.title = title;
      this.assetId = assetId;
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
    this.model =
        new NextUseModel(
            config.halfLifeMillis(), SESSION_IDLE_MILLIS, DEFAULT_PACE_MILLIS, catalogue::segments);
    this.generic = new S3FifoCache(capacityBytes);
  }

  @Override
  public boolean access(TraceRequest r) {
    if (r.assetId() == null || r.rendition() == null || r.segment() < 0) {
      return generic.access(r.key(), r.sizeBytes());
    }
    advanceTo(r.timeMillis());
    now = r.timeMillis();
    heat.computeIfAbsent(r.key(), k -> new SegmentHeat())
        .record(config.tickFor(r.timeMillis()), r.sizeBytes());
    dirty.putIfAbsent(r.key(), r);
    model.observe(r.sessionId(), r.assetId(), r.rendition(), r.segment(), now);
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
            r.key(),
            titleKey(r.region(), r.assetId()),
            r.assetId(),
            r.rendition(),
            r.segment(),
            r.sizeBytes());
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
        Entry evicted = victim != null ? victim : sampleVictim();
        long stayed = now - evicted.admittedAt;
        residencyMillis = residencyMillis < 0 ? stayed : 0.99 * residencyMillis + 0.01 * stayed;
        remove(evicted);
        victim = null;
      }
    }
    candidate.admittedAt = now;
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
    return model.rate(e.assetId, e.rendition, e.segment, now);
  }

  /** Whether the estimate says the object will be asked for before it would be evicted. */
  private boolean worthPrefetching(Entry e) {
    double perMillis = model.rate(e.assetId, e.rendition, e.segment, now) / 3_600_000;
    if (perMillis <= 0) {
      return false;
    }
    if (residencyMillis < 0) {
      return true; // nothing evicted yet: it stays until it is asked for
    }
    return 1 - Math.exp(-perMillis * residencyMillis) >= PREFETCH_CONFIDENCE;
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
            Entry e = new Entry(key, title, d.assetId(), rendition, seg, size);
            e.lastAccess = now;
            if (worthPrefetching(e) && admit(e, true)) {
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

  /** Sessions the model tracks now, for reporting its memory. */
  public int activeSessions() {
    return model.activeSessions();
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
    return resident.containsKey(key) || generic.contains(key);
  }

  @Override
  public long usedBytes() {
    return used + generic.usedBytes();
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
