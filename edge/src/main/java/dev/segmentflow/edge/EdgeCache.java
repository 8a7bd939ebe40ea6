package dev.segmentflow.edge;

import dev.segmentflow.cache.policy.ObjectRef;
import dev.segmentflow.cache.policy.ServingPolicy;
import dev.segmentflow.schemas.events.EdgeRequest.CacheStatus;
import dev.segmentflow.schemas.events.EdgeRequest.ObjectType;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * The edge's byte-bounded object cache. Which objects stay is decided by a {@link ServingPolicy}
 * (the same code the cache simulator measures); this class holds the bytes, answers freshness, and
 * makes concurrent misses for one object share a single origin fetch.
 */
public final class EdgeCache {
  /**
   * A cached object; {@code prefetched} until the first request that uses it. The body lives in a
   * read-only direct buffer, so serving hands the socket a slice of it instead of copying it
   * through the heap; playlists also keep their bytes on the heap, since they are read as text
   * (rewriting, freshness, title lengths).
   */
  public static final class Entry {
    private final ByteBuffer content;
    private final byte[] text;
    final String etag;
    final long fetchedAtMillis;
    final AtomicBoolean prefetched;

    Entry(byte[] body, boolean playlist, long fetchedAtMillis, boolean prefetched) {
      ByteBuffer direct = ByteBuffer.allocateDirect(body.length);
      direct.put(body).flip();
      this.content = direct.asReadOnlyBuffer();
      this.text = playlist ? body : null;
      this.etag = EdgeCache.etag(body);
      this.fetchedAtMillis = fetchedAtMillis;
      this.prefetched = new AtomicBoolean(prefetched);
    }

    /** The whole body as a buffer of its own (position 0), to slice or send. */
    public ByteBuffer content() {
      return content.duplicate();
    }

    public int size() {
      return content.capacity();
    }

    /** The body as bytes: a playlist's own array; a copy for anything else. */
    public byte[] body() {
      if (text != null) {
        return text;
      }
      byte[] copy = new byte[size()];
      content().get(copy);
      return copy;
    }

    public String etag() {
      return etag;
    }
  }

  /** What a request gets. */
  public record Served(Entry entry, CacheStatus status) {}

  private final ServingPolicy policy;
  private final Origin origin;
  private final Clock clock;
  private final EdgeMetrics metrics;
  private final BiFunction<HlsObject, byte[], Duration> ttl;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Entry>> inFlight = new ConcurrentHashMap<>();
  private final Object lock = new Object();

  /**
   * @param ttl how long an object stays fresh, asked at every lookup (so a TTL directive applies to
   *     what is already cached); it is given the body of playlists only, null for anything else
   */
  public EdgeCache(
      ServingPolicy policy,
      Origin origin,
      Clock clock,
      EdgeMetrics metrics,
      BiFunction<HlsObject, byte[], Duration> ttl) {
    this.policy = policy;
    this.origin = origin;
    this.clock = clock;
    this.metrics = metrics;
    this.ttl = ttl;
    policy.onEvict(
        k -> {
          entries.remove(k);
          metrics.inc("edge_cache_evictions_total");
        });
    metrics.gauge("edge_cache_bytes", this::bytes);
    metrics.gauge("edge_cache_capacity_bytes", policy::capacityBytes);
    metrics.gauge("edge_cache_objects", () -> entries.size());
  }

  /**
   * @throws FileNotFoundException when the origin has no such object
   * @throws IOException when the origin fails and nothing stale can stand in
   */
  public Served get(HlsObject o) throws IOException {
    return get(o, null);
  }

  /**
   * @param sessionId the viewer's session (CMCD {@code sid}) when the request named one: the
   *     planner follows sessions through titles
   */
  public Served get(HlsObject o, String sessionId) throws IOException {
    Entry e = entries.get(o.key());
    if (e != null && fresh(o, e)) {
      synchronized (lock) {
        // A hit: the policy learns of it. If it evicted the object since the lookup, the copy in
        // hand is still served, but must not be re-admitted behind the map's back.
        if (policy.contains(o.key())) {
          policy.access(o.key(), e.size(), ref(o, sessionId, false));
        }
      }
      return new Served(
          e, e.prefetched.getAndSet(false) ? CacheStatus.PREFETCH_HIT : CacheStatus.HIT);
    }
    try {
      Entry loaded = load(o, sessionId, false);
      loaded.prefetched.set(false); // it may have joined a prefetch in flight; a request used it
      return new Served(loaded, CacheStatus.MISS);
    } catch (IOException failure) {
      if (e != null && !(failure instanceof FileNotFoundException)) {
        // stale-if-error: an expired copy beats an error while the origin is down
        metrics.inc("edge_stale_served_total");
        return new Served(e, CacheStatus.STALE);
      }
      throw failure;
    }
  }

  /**
   * Warms one object ahead of demand, if the policy wants it.
   *
   * @return the bytes fetched from the origin; 0 when it was already fresh in the cache or the
   *     policy did not want it
   */
  public long prefetch(HlsObject o) throws IOException {
    Entry e = entries.get(o.key());
    if (e != null && fresh(o, e)) {
      return 0;
    }
    synchronized (lock) {
      // Asked before the fetch: its bytes would be origin traffic even if admission then said no.
      if (!policy.wantsPrefetch(ref(o, null, true))) {
        metrics.inc("edge_prefetch_declined_total");
        return 0;
      }
    }
    return load(o, null, true).size();
  }

  /** Drops every cached object whose key matches; returns how many. */
  public int evict(Predicate<String> keys) {
    int n = 0;
    synchronized (lock) {
      for (String k : new ArrayList<>(entries.keySet())) {
        if (keys.test(k)) {
          policy.remove(k);
          entries.remove(k);
          n++;
        }
      }
    }
    return n;
  }

  public boolean holds(String key) {
    return entries.containsKey(key);
  }

  /** Assets with at least one cached object, for content steering. */
  public Set<String> assets() {
    Set<String> out = new TreeSet<>();
    for (String k : entries.keySet()) {
      out.add(k.substring(0, k.indexOf('/')));
    }
    return out;
  }

  public long bytes() {
    synchronized (lock) {
      return policy.usedBytes();
    }
  }

  private boolean fresh(HlsObject o, Entry e) {
    return clock.millis() < e.fetchedAtMillis + ttl.apply(o, e.text).toMillis();
  }

  private Entry load(HlsObject o, String sessionId, boolean prefetch) throws IOException {
    CompletableFuture<Entry> mine = new CompletableFuture<>();
    CompletableFuture<Entry> theirs = inFlight.putIfAbsent(o.key(), mine);
    if (theirs != null) {
      metrics.inc("edge_coalesced_misses_total");
      return await(theirs);
    }
    try {
      long t0 = System.nanoTime();
      byte[] body;
      try {
        body = origin.fetch(o.key());
      } finally {
        metrics.originLatency((System.nanoTime() - t0) / 1000);
      }
      metrics.inc(prefetch ? "edge_prefetch_bytes_total" : "edge_origin_bytes_total", body.length);
      Entry e = new Entry(body, o.playlist(), clock.millis(), prefetch);
      synchronized (lock) {
        policy.remove(o.key()); // a refreshed object may have changed size
        policy.access(o.key(), body.length, ref(o, sessionId, prefetch));
        if (policy.contains(o.key())) {
          entries.put(o.key(), e);
        } else {
          entries.remove(o.key());
        }
      }
      mine.complete(e);
      return e;
    } catch (IOException | RuntimeException failure) {
      mine.completeExceptionally(failure);
      throw failure;
    } finally {
      inFlight.remove(o.key(), mine);
    }
  }

  private static Entry await(CompletableFuture<Entry> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for the origin", ie);
    } catch (ExecutionException ee) {
      Throwable c = ee.getCause();
      if (c instanceof FileNotFoundException fnf) {
        FileNotFoundException copy = new FileNotFoundException(fnf.getMessage());
        copy.initCause(fnf);
        throw copy;
      }
      if (c instanceof IOException io) {
        throw new IOException(io.getMessage(), io);
      }
      if (c instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IOException(c);
    }
  }

  private ObjectRef ref(HlsObject o, String sessionId, boolean prefetch) {
    return new ObjectRef(
        o.assetId(),
        o.rendition(),
        o.type() == ObjectType.SEGMENT && o.sequence() != null ? o.sequence() : -1,
        sessionId,
        clock.millis(),
        prefetch);
  }

  static String etag(byte[] body) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
      return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
