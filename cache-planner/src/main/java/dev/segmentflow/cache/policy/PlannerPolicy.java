package dev.segmentflow.cache.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The planner's eviction and admission, bounded in bytes: the policy the edge serves with and the
 * simulator measures. Every segment request teaches the {@link NextUseModel}; eviction samples
 * resident objects and drops the one with the lowest expected request rate (expired ones first, the
 * least recently asked for among equals), the online analogue of Belady's furthest next use; a miss
 * is not admitted when it is expected to be asked for less than the object it would push out. A
 * prefetch is worth fetching only when the model says it will be asked for before it would be
 * evicted (or, for a title it has never seen, on the directive's word): callers ask {@link
 * #wantsPrefetch} before they fetch, and what they fetched then goes through admission like a miss.
 *
 * <p>Requests that are not media segments (playlists, keys of a foreign trace) go to an S3-FIFO
 * share of the cache: without titles, sessions and segments there is nothing to plan with. Its
 * bytes count against the same capacity.
 */
public final class PlannerPolicy implements ServingPolicy {
  private static final int SAMPLES = 32;

  /** A session silent this long has ended: its next segments are no longer protected by it. */
  public static final long SESSION_IDLE_MILLIS = 60_000;

  /** Time between two segments of a session until its own pace is known. */
  public static final long DEFAULT_PACE_MILLIS = 6_000;

  /**
   * How sure the estimate must be that a prefetched object is asked for before it is evicted. A
   * prefetched byte is origin traffic whether or not anyone asks for it, so a prefetch can at best
   * save latency; one nobody asks for costs its bytes and the object it pushed out. At 0.9 one
   * prefetch in ten could be wasted: that cost 0.08 points of byte hit ratio on the long-form
   * workload, and bought only viewers' hits (bench/README.md).
   */
  static final double PREFETCH_CONFIDENCE = 0.97;

  private final long capacity;
  private final NextUseModel model;
  private final S3FifoCache generic;
  private final SplittableRandom random;
  private final Map<String, Entry> resident = new HashMap<>();
  private final List<Entry> slots = new ArrayList<>();
  private final Map<String, LinkedHashSet<Entry>> byTitle = new HashMap<>();
  private Expiry expiry = (assetId, idleMillis) -> false;
  private Consumer<String> onEvict = k -> {};
  private long used;
  // How long evicted objects stayed (smoothed): the time a new object has to be asked for.
  private double residencyMillis = -1;
  private long now;

  private static final class Entry {
    final String key;
    final String assetId;
    final String rendition;
    final int segment;
    final long size;
    long admittedAt;
    long lastAccess;
    int slot;

    Entry(String key, ObjectRef ref, long size) {
      this.key = key;
      this.assetId = ref.assetId();
      this.rendition = ref.rendition();
      this.segment = ref.segment();
      this.size = size;
    }
  }

  /**
   * @param halfLifeMillis how fast the model forgets arrival rates, the reach curve and shares
   * @param recentHalfLifeMillis the half-life of a title's recent arrival rate (trending titles)
   * @param lengths how many segments a title has (from the catalogue, or the playlists served)
   */
  public PlannerPolicy(
      long capacityBytes,
      long halfLifeMillis,
      long recentHalfLifeMillis,
      NextUseModel.TitleLengths lengths,
      long seed) {
    this.capacity = capacityBytes;
    this.model =
        new NextUseModel(
            halfLifeMillis,
            recentHalfLifeMillis,
            SESSION_IDLE_MILLIS,
            DEFAULT_PACE_MILLIS,
            lengths);
    this.generic = new S3FifoCache(capacityBytes);
    this.random = new SplittableRandom(seed);
  }

  /** Whether an object of the title, not asked for in {@code idleMillis}, has outlived its TTL. */
  @FunctionalInterface
  public interface Expiry {
    boolean expired(String assetId, long idleMillis);
  }

  /** Titles' arrival rates known from outside (a simulator's workload) rather than learnt. */
  public void knownArrivalRates(NextUseModel.ArrivalRates rates) {
    model.knownArrivalRates(rates);
  }

  /** Objects past their TTL are evicted first. */
  public void expiry(Expiry expiry) {
    this.expiry = expiry;
  }

  @Override
  public boolean access(String key, long sizeBytes) {
    return access(key, sizeBytes, null);
  }

  @Override
  public boolean access(String key, long sizeBytes, ObjectRef ref) {
    if (ref == null || !ref.isSegment()) {
      if (resident.containsKey(key)) {
        return true; // a segment it holds, asked for without its video fields
      }
      return accessGeneric(key, sizeBytes);
    }
    now = Math.max(now, ref.timeMillis());
    if (!ref.prefetch()) {
      model.observe(ref.sessionId(), ref.assetId(), ref.rendition(), ref.segment(), now);
    }
    Entry hit = resident.get(key);
    if (hit != null) {
      if (!ref.prefetch()) {
        hit.lastAccess = now;
      }
      return true;
    }
    admit(new Entry(key, ref, sizeBytes));
    return false;
  }

  private boolean accessGeneric(String key, long sizeBytes) {
    boolean hit = generic.access(key, sizeBytes);
    // The generic share and the planned one live in one capacity: the planned side gives way.
    while (used + generic.usedBytes() > capacity && !slots.isEmpty()) {
      evict(sampleVictim());
    }
    return hit;
  }

  private void admit(Entry candidate) {
    long room = capacity - generic.usedBytes();
    if (candidate.size > room) {
      return;
    }
    if (used + candidate.size > room) {
      Entry victim = sampleVictim();
      if (victim != null && value(candidate) < value(victim)) {
        return;
      }
      while (used + candidate.size > room) {
        evict(victim != null ? victim : sampleVictim());
        victim = null;
      }
    }
    candidate.admittedAt = now;
    candidate.lastAccess = now;
    candidate.slot = slots.size();
    slots.add(candidate);
    resident.put(candidate.key, candidate);
    byTitle.computeIfAbsent(candidate.assetId, t -> new LinkedHashSet<>()).add(candidate);
    used += candidate.size;
  }

  private void evict(Entry e) {
    long stayed = now - e.admittedAt;
    residencyMillis = residencyMillis < 0 ? stayed : 0.99 * residencyMillis + 0.01 * stayed;
    drop(e);
    onEvict.accept(e.key);
  }

  private Entry sampleVictim() {
    Entry worst = null;
    double worstValue = Double.MAX_VALUE;
    // A cache of few objects looks at each of them once, not at a random few twice.
    boolean all = slots.size() <= SAMPLES;
    int n = Math.min(SAMPLES, slots.size());
    for (int i = 0; i < n; i++) {
      Entry e = slots.get(all ? i : random.nextInt(slots.size()));
      double v = value(e);
      // Equal estimates (most often none at all: titles watched once, segments behind every
      // session) fall back to recency, the least recently asked for going first.
      if (v < worstValue || (v == worstValue && worst != null && e.lastAccess < worst.lastAccess)) {
        worst = e;
        worstValue = v;
      }
    }
    return worst;
  }

  /** Expected requests per hour; -1 for an object whose TTL ran out (dropped first). */
  private double value(Entry e) {
    if (resident.get(e.key) == e && expiry.expired(e.assetId, now - e.lastAccess)) {
      return -1;
    }
    return model.rate(e.assetId, e.rendition, e.segment, now);
  }

  /**
   * Whether the estimate says the object will be asked for before it would be evicted. For a title
   * this cache has not seen asked for, the directive's word (the PopularityJob sees the whole
   * region) is all there is: it stands, and admission still keeps it out of a full cache.
   */
  @Override
  public boolean wantsPrefetch(ObjectRef ref) {
    if (!ref.isSegment()) {
      return true; // playlists and the like: small, and the generic share decides
    }
    if (!model.knows(ref.assetId())) {
      return true;
    }
    long at = Math.max(now, ref.timeMillis());
    if (residencyMillis < 0) {
      // nothing evicted yet: it stays until it is asked for, if anything asks for it
      return model.rate(ref.assetId(), ref.rendition(), ref.segment(), at) > 0;
    }
    return model.probabilityWithin(
            ref.assetId(), ref.rendition(), ref.segment(), at, residencyMillis)
        >= PREFETCH_CONFIDENCE;
  }

  private void drop(Entry e) {
    Entry last = slots.remove(slots.size() - 1);
    if (last != e) {
      slots.set(e.slot, last);
      last.slot = e.slot;
    }
    resident.remove(e.key);
    LinkedHashSet<Entry> set = byTitle.get(e.assetId);
    set.remove(e);
    if (set.isEmpty()) {
      byTitle.remove(e.assetId);
    }
    used -= e.size;
  }

  /** Drops every object of the title (an EVICT directive); returns their keys. */
  public List<String> removeTitle(String assetId) {
    List<String> keys = new ArrayList<>();
    LinkedHashSet<Entry> set = byTitle.get(assetId);
    if (set != null) {
      for (Entry e : new ArrayList<>(set)) {
        drop(e);
        keys.add(e.key);
      }
    }
    return keys;
  }

  @Override
  public boolean remove(String key) {
    Entry e = resident.get(key);
    if (e != null) {
      drop(e);
      return true;
    }
    return generic.remove(key);
  }

  @Override
  public void onEvict(Consumer<String> listener) {
    this.onEvict = listener;
    generic.onEvict(listener);
  }

  /** Sessions in progress that the model tracks now. */
  public int activeSessions() {
    return model.activeSessions();
  }

  /** Titles the model holds state for. */
  public int titles() {
    return model.titles();
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
