package dev.segmentflow.edge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.transcode.hls.HlsPaths;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * {@code GET /steering/<asset>}: the HLS content-steering manifest, pathways ordered by health,
 * load and what each peer has cached, from this edge's own state and its peers' last probe.
 */
final class SteeringRoute implements Handler {
  private final EdgeConfig config;
  private final EdgeCache cache;
  private final DoubleSupplier load;
  private final ContentSteering steering = new ContentSteering(ContentSteering.Weights.defaults());
  private final Map<String, ContentSteering.State> peers = new ConcurrentHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  SteeringRoute(EdgeConfig config, EdgeCache cache, DoubleSupplier load) {
    this.config = config;
    this.cache = cache;
    this.load = load;
  }

  @Override
  public void handle(Context ctx) {
    String asset = ctx.pathParam("asset");
    if (!HlsPaths.safeName(asset)) {
      ctx.status(400).result("bad asset id");
      return;
    }
    String region = Optional.ofNullable(ctx.queryParam("region")).orElse(config.region());
    List<ContentSteering.State> states = new ArrayList<>();
    for (ContentSteering.Pathway p : config.pathways()) {
      states.add(
          p.id().equals(config.edgeId())
              ? new ContentSteering.State(p, true, load.getAsDouble(), cache.assets())
              : peers.getOrDefault(p.id(), new ContentSteering.State(p, false, 1, Set.of())));
    }
    List<String> priority = steering.priority(states, region, asset);
    ctx.contentType("application/json")
        .header("Cache-Control", "no-store")
        .result(
            ContentSteering.manifest(
                priority,
                config.steeringTtlSeconds(),
                config.publicUrl() + "/steering/" + asset + "?region=" + region));
  }

  /** Asks each peer for its /health; a peer that does not answer in a second counts as down. */
  void probePeers() {
    for (ContentSteering.Pathway p : config.pathways()) {
      if (p.id().equals(config.edgeId())) {
        continue;
      }
      ContentSteering.State s;
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(p.baseUrl() + "/health"))
                    .timeout(Duration.ofSeconds(1))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode h = Json.MAPPER.readTree(r.body());
        Set<String> assets = new TreeSet<>();
        h.path("assets").forEach(a -> assets.add(a.asText()));
        s =
            new ContentSteering.State(
                p,
                r.statusCode() == 200 && "ok".equals(h.path("status").asText()),
                h.path("load").asDouble(1),
                assets);
      } catch (IOException | RuntimeException e) {
        s = new ContentSteering.State(p, false, 1, Set.of());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      peers.put(p.id(), s);
    }
  }
}
