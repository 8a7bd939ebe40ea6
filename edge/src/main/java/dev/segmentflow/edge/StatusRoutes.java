package dev.segmentflow.edge;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.DoubleSupplier;

/** {@code GET /metrics} (Prometheus text) and {@code GET /health} (what peers probe). */
final class StatusRoutes {
  private final EdgeConfig config;
  private final EdgeCache cache;
  private final EdgeMetrics metrics;
  private final DoubleSupplier load;

  StatusRoutes(EdgeConfig config, EdgeCache cache, EdgeMetrics metrics, DoubleSupplier load) {
    this.config = config;
    this.cache = cache;
    this.metrics = metrics;
    this.load = load;
  }

  void metrics(Context ctx) {
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.render());
  }

  void health(Context ctx) {
    ctx.json(health());
  }

  private Map<String, Object> health() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("status", "ok");
    h.put("edgeId", config.edgeId());
    h.put("region", config.region());
    h.put("load", load.getAsDouble());
    h.put("cacheBytes", cache.bytes());
    Set<String> assets = cache.assets();
    h.put(
        "assets",
        assets.size() > 1000 ? new TreeSet<>(List.copyOf(assets).subList(0, 1000)) : assets);
    return h;
  }
}
