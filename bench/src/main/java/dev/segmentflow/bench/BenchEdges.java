package dev.segmentflow.bench;

import dev.segmentflow.localservices.KafkaBroker;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The settings every bench's in-process edge starts from: one region, a local origin, Kafka. */
final class BenchEdges {
  private BenchEdges() {}

  /** A free port, {@code edge-<region>}, its own spool under {@code dir}; mutable for the rest. */
  static Map<String, String> settings(
      Path dir, Path origin, KafkaBroker kafka, String region, long cacheBytes) {
    Map<String, String> s = new HashMap<>();
    s.put("port", "0");
    s.put("edge-id", "edge-" + region);
    s.put("region", region);
    s.put("origin", origin.toUri().toString());
    s.put("bootstrap-servers", kafka.bootstrapServers());
    s.put("spool-dir", dir.resolve("spool-" + region).toString());
    s.put("cache-bytes", String.valueOf(cacheBytes));
    return s;
  }
}
