package dev.segmentflow.cache.policy;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * S3-FIFO (Yang et al., SOSP 2023), bounded in bytes: a small FIFO (10% of the bytes) filters
 * one-hit wonders, a main FIFO with 2-bit frequencies keeps the rest (reinserting what was hit),
 * and a ghost FIFO of recently filtered keys sends a quick second request straight to main.
 */
public final class S3FifoCache implements CachePolicy {
  private static final int MAX_FREQ = 3;

  private static final class Entry {
    final long size;
    int freq;

    Entry(long size) {
      this.size = size;
    }
  }

  private final long capacity;
  private final long smallCapacity;
  private final ArrayDeque<String> small = new ArrayDeque<>();
  private final ArrayDeque<String> main = new ArrayDeque<>();
  private final LinkedHashMap<String, Long> ghost = new LinkedHashMap<>();
  private final Map<String, Entry> resident = new HashMap<>();
  private long smallUsed;
  private long mainUsed;
  private long ghostUsed;

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
    resident.put(key, new Entry(sizeBytes));
    if (seenRecently) {
      main.addLast(key);
      mainUsed += sizeBytes;
    } else {
      small.addLast(key);
      smallUsed += sizeBytes;
    }
    return false;
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
      String key = small.pollFirst();
      Entry e = resident.get(key);
      smallUsed -= e.size;
      if (e.freq > 0) {
        // Hit while on probation: promote; that frees nothing unless main must now give way.
        e.freq = 0;
        main.addLast(key);
        mainUsed += e.size;
        if (mainUsed > capacity - smallCapacity) {
          evictFromMain();
          return;
        }
      } else {
        resident.remove(key);
        ghost.put(key, e.size);
        ghostUsed += e.size;
        trimGhost();
        return;
      }
    }
  }

  private void evictFromMain() {
    while (!main.isEmpty()) {
      String key = main.pollFirst();
      Entry e = resident.get(key);
      if (e.freq > 0) {
        e.freq--;
        main.addLast(key);
      } else {
        resident.remove(key);
        mainUsed -= e.size;
        return;
      }
    }
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
