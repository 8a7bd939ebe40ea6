package dev.segmentflow.cache.policy;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * S3-FIFO (Yang et al., SOSP 2023), bounded in bytes: a small FIFO (10% of the bytes) filters
 * one-hit wonders, a main FIFO with 2-bit frequencies keeps the rest (reinserting what was hit),
 * and a ghost FIFO of recently filtered keys sends a quick second request straight to main.
 */
public final class S3FifoCache implements ServingPolicy {
  private static final int MAX_FREQ = 3;

  private static final class Entry {
    final String key;
    final long size;
    int freq;
    boolean inMain;

    Entry(String key, long size) {
      this.key = key;
      this.size = size;
    }
  }

  private final long capacity;
  private final long smallCapacity;
  // Queues hold entries, not keys: an entry removed on demand stays queued but is no longer the
  // resident one for its key, so eviction passes over it even if the key came back since.
  private final ArrayDeque<Entry> small = new ArrayDeque<>();
  private final ArrayDeque<Entry> main = new ArrayDeque<>();
  private final LinkedHashMap<String, Long> ghost = new LinkedHashMap<>();
  private final Map<String, Entry> resident = new HashMap<>();
  private long smallUsed;
  private long mainUsed;
  private long ghostUsed;
  private Consumer<String> onEvict = k -> {};

  public S3FifoCache(long capacityBytes) {
    this(capacityBytes, 0.10);
  }

  public S3FifoCache(long capacityBytes, double smallShare) {
    this.capacity = capacityBytes;
    this.smallCapacity = (long) (capacityBytes * smallShare);
  }

  @Override
  public boolean access(String key, long sizeBytes) {
    Entry e = resident.get(key);
    if (e != null) {
      e.freq = Math.min(MAX_FREQ, e.freq + 1);
      return true;
    }
    if (sizeBytes > capacity) {
      return false;
    }
    boolean seenRecently = ghost.remove(key) != null;
    if (seenRecently) {
      ghostUsed -= sizeBytes;
    }
    while (smallUsed + mainUsed + sizeBytes > capacity) {
      evict();
    }
    Entry added = new Entry(key, sizeBytes);
    resident.put(key, added);
    if (seenRecently) {
      toMain(added);
    } else {
      small.addLast(added);
      smallUsed += sizeBytes;
    }
    return false;
  }

  private boolean live(Entry e) {
    return resident.get(e.key) == e;
  }

  private void toMain(Entry e) {
    main.addLast(e);
    e.inMain = true;
    mainUsed += e.size;
  }

  private void evict() {
    if (!small.isEmpty() && (smallUsed >= smallCapacity || main.isEmpty())) {
      evictFromSmall();
    } else {
      evictFromMain();
    }
  }

  private void evictFromSmall() {
    while (!small.isEmpty()) {
      Entry e = small.pollFirst();
      if (!live(e)) {
        continue;
      }
      smallUsed -= e.size;
      if (e.freq > 0) {
        // Hit while on probation: promote; that frees nothing unless main must now give way.
        e.freq = 0;
        toMain(e);
        if (mainUsed > capacity - smallCapacity) {
          evictFromMain();
          return;
        }
      } else {
        resident.remove(e.key);
        ghost.put(e.key, e.size);
        ghostUsed += e.size;
        trimGhost();
        onEvict.accept(e.key);
        return;
      }
    }
  }

  private void evictFromMain() {
    while (!main.isEmpty()) {
      Entry e = main.pollFirst();
      if (!live(e)) {
        continue;
      }
      if (e.freq > 0) {
        e.freq--;
        main.addLast(e);
      } else {
        resident.remove(e.key);
        mainUsed -= e.size;
        onEvict.accept(e.key);
        return;
      }
    }
  }

  @Override
  public boolean remove(String key) {
    Entry e = resident.remove(key);
    if (e == null) {
      return false;
    }
    if (e.inMain) {
      mainUsed -= e.size;
    } else {
      smallUsed -= e.size;
    }
    return true;
  }

  @Override
  public void onEvict(Consumer<String> listener) {
    this.onEvict = listener;
  }

  private void trimGhost() {
    // The ghost remembers about as many bytes as main holds.
    Iterator<Map.Entry<String, Long>> oldest = ghost.entrySet().iterator();
    while (ghostUsed > capacity - smallCapacity && oldest.hasNext()) {
      ghostUsed -= oldest.next().getValue();
      oldest.remove();
    }
  }

  @Override
  public boolean contains(String key) {
    return resident.containsKey(key);
  }

  @Override
  public long usedBytes() {
    return smallUsed + mainUsed;
  }

  @Override
  public long capacityBytes() {
    return capacity;
  }

  @Override
  public String name() {
    return "S3-FIFO";
  }
}
