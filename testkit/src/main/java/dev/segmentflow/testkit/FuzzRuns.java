package dev.segmentflow.testkit;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many inputs each fuzz target ran, printed by the test class when it is done: libFuzzer's own
 * statistics go to the native stderr, which the test runner's reports do not capture, and
 * bench/fuzz reads this line instead.
 */
public final class FuzzRuns {
  private static final Map<String, AtomicLong> RUNS = new ConcurrentHashMap<>();

  private FuzzRuns() {}

  public static void count(String target) {
    RUNS.computeIfAbsent(target, k -> new AtomicLong()).incrementAndGet();
  }

  /** One line per target: {@code fuzz-executions <target> <n>}. */
  public static void print() {
    new TreeMap<>(RUNS)
        .forEach((target, n) -> System.out.println("fuzz-executions " + target + " " + n));
  }
}
