package dev.segmentflow.cache.policy;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Least recently used, bounded in bytes. */
public final class LruCache implements ServingPolicy {
  private final long capacity;
  private final LinkedHashMap<String, Long> sizes = new LinkedHashMap<>(16, 0.75f, true);
  private long used;
  private Consumer<String> onEvict = k -> {};

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
      Map.Entry<String, Long> e = oldest.next();
      used -= e.getValue();
      oldest.remove();
      onEvict.accept(e.getKey());
    }
    sizes.put(key, sizeBytes);
    used += sizeBytes;
    return false;
  }

  @Override
  public boolean remove(String key) {
    Long size = sizes.remove(key);
    if (size == null) {
      return false;
    }
    used -= size;
    return true;
  }

  @Override
  public void onEvict(Consumer<String> listener) {
    this.onEvict = listener;
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
