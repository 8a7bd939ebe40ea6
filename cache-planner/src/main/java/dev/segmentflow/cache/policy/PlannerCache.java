package dev.segmentflow.cache.policy;

import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.popularity.Tier;
import dev.segmentflow.cache.popularity.TitleActivityCombiner;
import dev.segmentflow.cache.popularity.TitlePopularity;
import dev.segmentflow.schemas.events.Directive;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One edge as the simulator replays it: the {@link PlannerPolicy} the edge serves with, and in
 * front of it what the PopularityJob does for a real edge, on the same event-time grid: the same
 * {@link TitleActivityCombiner} and {@link TitlePopularity}, whose directives are obeyed here
 * (PREFETCH through the policy's prefetch test, TTL as expiry by temperature, EVICT drops a title).
 */
public final class PlannerCache implements VideoCache {
  private final PopularityConfig config;
  private final SegmentCatalogue catalogue;
  private final PlannerPolicy policy;
  private final TitleActivityCombiner served = new TitleActivityCombiner();
  private final Map<String, TitlePopularity> titles = new HashMap<>();
  private final Set<String> prefetchedUnused = new HashSet<>();
  private final Map<String, String> regionOf = new HashMap<>();
  private long nextTick = Long.MIN_VALUE;
  private long now;
  private long prefetched;
  private long prefetchHits;

  public PlannerCache(
      long capacityBytes, PopularityConfig config, SegmentCatalogue catalogue, long seed) {
    this.config = config;
    this.catalogue = catalogue;
    this.policy =
        new PlannerPolicy(
            capacityBytes,
            config.halfLifeMillis(),
            config.fastHalfLifeMillis(),
            catalogue::segments,
            seed);
    policy.onEvict(prefetchedUnused::remove);
    policy.expiry(this::expired);
  }

  /** See {@link PlannerPolicy#knownArrivalRates}. */
  public PlannerCache knownArrivalRates(NextUseModel.ArrivalRates rates) {
    policy.knownArrivalRates(rates);
    return this;
  }

  @Override
  public boolean access(TraceRequest r) {
    ObjectRef ref =
        new ObjectRef(
            r.assetId(), r.rendition(), r.segment(), r.sessionId(), r.timeMillis(), false);
    if (!ref.isSegment()) {
      return policy.access(r.key(), r.sizeBytes(), null);
    }
    advanceTo(r.timeMillis());
    now = r.timeMillis();
    regionOf.putIfAbsent(r.assetId(), r.region());
    served.add(
        r.region(),
        r.assetId(),
        r.rendition(),
        r.segment(),
        r.sizeBytes(),
        config.tickFor(r.timeMillis()));
    boolean hit = policy.access(r.key(), r.sizeBytes(), ref);
    if (hit && prefetchedUnused.remove(r.key())) {
      prefetchHits++;
    }
    return hit;
  }

  /** A segment past the TTL its title's temperature gives it. */
  private boolean expired(String assetId, long idleMillis) {
    TitlePopularity title = titles.get(titleKey(regionOf.get(assetId), assetId));
    Tier tier = title == null ? Tier.GONE : title.tier;
    boolean live = title != null && title.live;
    return idleMillis > config.ttlSeconds(tier, live) * 1000;
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
    served.flushThrough(
        t,
        a ->
            titles
                .computeIfAbsent(
                    titleKey(a.region, a.assetId), k -> new TitlePopularity(a.region, a.assetId))
                .recordActivity(a));
    var it = titles.entrySet().iterator();
    while (it.hasNext()) {
      var entry = it.next();
      if (!entry.getValue().due(t)) {
        continue;
      }
      TitlePopularity.Outcome outcome = entry.getValue().tick(t, config);
      for (Directive d : outcome.directives()) {
        obey(d);
      }
      if (!outcome.keep()) {
        it.remove();
      }
    }
  }

  private void obey(Directive d) {
    switch (d.kind()) {
      case EVICT -> policy.removeTitle(d.assetId()).forEach(prefetchedUnused::remove);
      case PREFETCH -> {
        for (String rendition : d.renditions()) {
          for (int seg = d.segmentFrom(); seg <= d.segmentTo(); seg++) {
            String key = SegmentCatalogue.key(d.assetId(), rendition, seg);
            long size = catalogue.sizeBytes(d.assetId(), rendition, seg);
            ObjectRef ref = new ObjectRef(d.assetId(), rendition, seg, null, now, true);
            if (size < 0 || policy.contains(key) || !policy.wantsPrefetch(ref)) {
              continue;
            }
            // Fetched as soon as the policy wants it, as at the edge: its bytes are origin
            // traffic even when admission then keeps it out.
            prefetched += size;
            policy.access(key, size, ref);
            if (policy.contains(key)) {
              prefetchedUnused.add(key);
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
    return policy.activeSessions();
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
    return policy.contains(key);
  }

  @Override
  public long usedBytes() {
    return policy.usedBytes();
  }

  @Override
  public long capacityBytes() {
    return policy.capacityBytes();
  }

  @Override
  public String name() {
    return "planner";
  }
}
