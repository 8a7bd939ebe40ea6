package dev.segmentflow.edge;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Counters, gauges and one latency histogram, exposed in the Prometheus text format (0.0.4). Kept
 * to what an operator graphs: cache outcomes, bytes, origin latency, the access-log spool.
 */
public final class EdgeMetrics {
  /** Upper bounds of the origin latency buckets, in seconds. */
  static final double[] BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };

  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final Map<String, String> help = new ConcurrentHashMap<>();
  private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();
  private final LongAdder[] originBuckets = new LongAdder[BUCKETS.length + 1];
  private final LongAdder originCount = new LongAdder();
  private final LongAdder originMicros = new LongAdder();

  public EdgeMetrics() {
    for (int i = 0; i < originBuckets.length; i++) {
      originBuckets[i] = new LongAdder();
    }
  }

  /**
   * @param name a metric name with optional labels, e.g. {@code edge_requests_total{cache="HIT"}}
   */
  public void inc(String name, long by) {
    counters.computeIfAbsent(name, n -> new LongAdder()).add(by);
  }

  public void inc(String name) {
    inc(name, 1);
  }

  public long get(String name) {
    LongAdder a = counters.get(name);
    return a == null ? 0 : a.sum();
  }

  public void describe(String family, String text) {
    help.put(family, text);
  }

  public void gauge(String name, LongSupplier value) {
    gauges.put(name, value);
  }

  public void originLatency(long micros) {
    double s = micros / 1e6;
    int i = 0;
    while (i < BUCKETS.length && s > BUCKETS[i]) {
      i++;
    }
    originBuckets[i].increment();
    originCount.increment();
    originMicros.add(micros);
  }

  public long originFetches() {
    return originCount.sum();
  }

  public String render() {
    StringBuilder b = new StringBuilder();
    Map<String, TreeMap<String, Long>> byFamily = new TreeMap<>();
    counters.forEach(
        (n, v) -> byFamily.computeIfAbsent(family(n), f -> new TreeMap<>()).put(n, v.sum()));
    for (var f : byFamily.entrySet()) {
      header(b, f.getKey(), "counter");
      f.getValue().forEach((n, v) -> b.append(n).append(' ').append(v).append('\n'));
    }
    new TreeMap<>(gauges)
        .forEach(
            (n, v) -> {
              header(b, family(n), "gauge");
              b.append(n).append(' ').append(v.getAsLong()).append('\n');
            });
    String h = "edge_origin_fetch_seconds";
    header(b, h, "histogram");
    long cumulative = 0;
    for (int i = 0; i < BUCKETS.length; i++) {
      cumulative += originBuckets[i].sum();
      b.append(String.format(Locale.ROOT, "%s_bucket{le=\"%s\"} %d%n", h, BUCKETS[i], cumulative));
    }
    cumulative += originBuckets[BUCKETS.length].sum();
    b.append(h).append("_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
    b.append(String.format(Locale.ROOT, "%s_sum %.6f%n", h, originMicros.sum() / 1e6));
    b.append(h).append("_count ").append(originCount.sum()).append('\n');
    return b.toString();
  }

  private void header(StringBuilder b, String family, String type) {
    String text = help.get(family);
    if (text != null) {
      b.append("# HELP ").append(family).append(' ').append(text).append('\n');
    }
    b.append("# TYPE ").append(family).append(' ').append(type).append('\n');
  }

  private static String family(String name) {
    int brace = name.indexOf('{');
    return brace < 0 ? name : name.substring(0, brace);
  }
}
