package dev.segmentflow.cache.policy;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * SIEVE (Zhang et al., NSDI '24), bounded in bytes: one FIFO queue, new objects at the head, a
 * visited bit set on each hit, and a hand that walks from the tail toward the head, clearing
 * visited bits and evicting the first object it finds unvisited. The hand stays where it stopped,
 * so objects that were hit once survive one pass; the queue is never reordered.
 */
public final class SieveCache implements ServingPolicy {
  private static final class Node {
    final String key;
    final long size;
    boolean visited;
    Node newer;
    Node older;

    Node(String key, long size) {
      this.key = key;
      this.size = size;
    }
  }

  private final long capacity;
  private final Map<String, Node> nodes = new HashMap<>();
  private Node head; // newest
  private Node tail; // oldest
  private Node hand;
  private long used;
  private Consumer<String> onEvict = k -> {};

  public SieveCache(long capacityBytes) {
    this.capacity = capacityBytes;
  }

  @Override
  public boolean access(String key, long sizeBytes) {
    Node n = nodes.get(key);
    if (n != null) {
      n.visited = true;
      return true;
    }
    if (sizeBytes > capacity) {
      return false;
    }
    while (used + sizeBytes > capacity) {
      Node victim = victim();
      unlink(victim);
      onEvict.accept(victim.key);
    }
    n = new Node(key, sizeBytes);
    n.older = head;
    if (head != null) {
      head.newer = n;
    }
    head = n;
    if (tail == null) {
      tail = n;
    }
    nodes.put(key, n);
    used += sizeBytes;
    return false;
  }

  /** The hand's next unvisited object, clearing visited bits on the way (from the tail, around). */
  private Node victim() {
    Node h = hand != null ? hand : tail;
    while (h.visited) {
      h.visited = false;
      h = h.newer != null ? h.newer : tail;
    }
    hand = h.newer;
    return h;
  }

  private void unlink(Node n) {
    if (hand == n) {
      hand = n.newer;
    }
    if (n.newer != null) {
      n.newer.older = n.older;
    } else {
      head = n.older;
    }
    if (n.older != null) {
      n.older.newer = n.newer;
    } else {
      tail = n.newer;
    }
    nodes.remove(n.key);
    used -= n.size;
  }

  @Override
  public boolean remove(String key) {
    Node n = nodes.get(key);
    if (n == null) {
      return false;
    }
    unlink(n);
    return true;
  }

  @Override
  public void onEvict(Consumer<String> listener) {
    this.onEvict = listener;
  }

  @Override
  public boolean contains(String key) {
    return nodes.containsKey(key);
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
    return "SIEVE";
  }
}
