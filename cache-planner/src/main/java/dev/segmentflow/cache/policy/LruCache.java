package dev.segmentflow.cache.policy;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Least recently used, bounded in bytes. */
public final class LruCache implements CachePolicy {
  private final long capacity;
  private final LinkedHashMap<String, Long> sizes = new LinkedHashMap<>(16, 0.75f, true);
  private long used;

  public LruCache(long capacityBytes) {
    this.capacity = capacityBytes;
  }

  @Override
  public boolean access(String key, long sizeBytes) {
    if (sizes.get(key) != null) {
      return true;
    }
    if (sizeBytes > capacity) {
      return false;
    }
    Iterator<Map.Entry<String, Long>> oldest = sizes.entrySet().iterator();
    while (used + sizeBytes > capacity) {
      used -= oldest.next().getValue();
      oldest.remove();
    }
    sizes.put(key, sizeBytes);
    used += sizeBytes;
    return false;
  }

  @Override
  public boolean contains(String key) {
    return sizes.containsKey(key);
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
    return "LRU";
  }
}
