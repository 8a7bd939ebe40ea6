package dev.segmentflow.cache.popularity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Sums served segment requests per (title, tick) on the heap: the local half of a local-global
 * aggregation. A title's state takes in only sums and sets per tick, so it sees the same input
 * whether the requests come one by one or combined. The PopularityJob keeps one of these per
 * subtask in front of its keyed state (one state write per title and tick instead of one per
 * request); the reference loop and the simulator fold their requests through it too.
 *
 * <p>Lookups are plain map gets (tick, then region, then asset) that allocate only for a new tick,
 * region or title.
 */
public final class TitleActivityCombiner {
  private final TreeMap<Long, Map<String, Map<String, Builder>>> byTick = new TreeMap<>();
  private long lastTick = Long.MIN_VALUE;
  private Map<String, Map<String, Builder>> lastRegions;
  private int titles;

  /** Counts one served segment under {@code tickMillis}. */
  public void add(
      String region, String assetId, String rendition, int segment, long bytes, long tickMillis) {
    if (tickMillis != lastTick || lastRegions == null) {
      lastRegions = byTick.computeIfAbsent(tickMillis, t -> new HashMap<>());
      lastTick = tickMillis;
    }
    Map<String, Builder> assets = lastRegions.get(region);
    if (assets == null) {
      assets = new HashMap<>();
      lastRegions.put(region, assets);
    }
    Builder b = assets.get(assetId);
    if (b == null) {
      b = new Builder(region, assetId, tickMillis);
      assets.put(assetId, b);
      titles++;
    }
    b.add(rendition, segment, bytes);
  }

  /** Hands on, and forgets, every title's activity of the ticks up to {@code tickMillis}. */
  public void flushThrough(long tickMillis, Consumer<TitleActivity> out) {
    Iterator<Map.Entry<Long, Map<String, Map<String, Builder>>>> it =
        byTick.headMap(tickMillis, true).entrySet().iterator();
    while (it.hasNext()) {
      emit(it.next().getValue(), out);
      it.remove();
    }
    lastRegions = null;
  }

  /** Hands on everything held, whatever its tick (before a checkpoint, at the end of input). */
  public void flushAll(Consumer<TitleActivity> out) {
    flushThrough(Long.MAX_VALUE, out);
  }

  /** Titles x ticks held. */
  public int size() {
    return titles;
  }

  private void emit(Map<String, Map<String, Builder>> regions, Consumer<TitleActivity> out) {
    for (Map<String, Builder> assets : regions.values()) {
      for (Builder b : assets.values()) {
        titles--;
        out.accept(b.build());
      }
    }
  }

  /** One title's tick in the making. Renditions are few: a list, scanned. */
  private static final class Builder {
    final String region;
    final String assetId;
    final long tickMillis;
    long firstSegments;
    long bytes;
    final List<RenditionTally> renditions = new ArrayList<>(4);

    Builder(String region, String assetId, long tickMillis) {
      this.region = region;
      this.assetId = assetId;
      this.tickMillis = tickMillis;
    }

    void add(String rendition, int segment, long segmentBytes) {
      bytes += segmentBytes;
      if (segment == 0) {
        firstSegments++;
      }
      tally(rendition).add(segment);
    }

    private RenditionTally tally(String rendition) {
      for (RenditionTally t : renditions) {
        if (t.name.equals(rendition)) {
          return t;
        }
      }
      RenditionTally t = new RenditionTally(rendition);
      renditions.add(t);
      return t;
    }

    TitleActivity build() {
      TitleActivity a = new TitleActivity();
      a.region = region;
      a.assetId = assetId;
      a.tickMillis = tickMillis;
      a.firstSegments = firstSegments;
      a.bytes = bytes;
      int n = renditions.size();
      a.renditions = new String[n];
      a.requests = new long[n];
      a.segments = new int[n][];
      for (int i = 0; i < n; i++) {
        RenditionTally t = renditions.get(i);
        a.renditions[i] = t.name;
        a.requests[i] = t.requests;
        a.segments[i] = t.distinctSegments();
      }
      return a;
    }
  }

  private static final class RenditionTally {
    final String name;
    long requests;
    int[] segments = new int[8];
    int count;

    RenditionTally(String name) {
      this.name = name;
    }

    void add(int segment) {
      requests++;
      // A title's requests within a tick mostly repeat a few segments: skip the runs here, the
      // rest of the duplicates go at build time.
      if (count > 0 && segments[count - 1] == segment) {
        return;
      }
      if (count == segments.length) {
        compact();
        if (count > segments.length / 2) {
          segments = Arrays.copyOf(segments, segments.length * 2);
        }
      }
      segments[count++] = segment;
    }

    /** Sorts and drops duplicates in place: memory stays within twice the distinct segments. */
    private void compact() {
      Arrays.sort(segments, 0, count);
      int m = 0;
      for (int i = 0; i < count; i++) {
        if (m == 0 || segments[m - 1] != segments[i]) {
          segments[m++] = segments[i];
        }
      }
      count = m;
    }

    int[] distinctSegments() {
      compact();
      return Arrays.copyOf(segments, count);
    }
  }
}
