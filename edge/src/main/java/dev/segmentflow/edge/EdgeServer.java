package dev.segmentflow.edge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segmentflow.cache.policy.LruCache;
import dev.segmentflow.cache.policy.S3FifoCache;
import dev.segmentflow.cache.policy.ServingPolicy;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.EdgeRequest.CacheStatus;
import dev.segmentflow.schemas.events.EdgeRequest.ObjectType;
import dev.segmentflow.schemas.events.Ids;
import dev.segmentflow.transcode.hls.HlsPaths;
import dev.segmentflow.transcode.store.OriginStore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HLS edge: {@code GET|HEAD /hls/<asset>/...} from the cache (origin on a miss), {@code POST
 * /beacon}, {@code GET /steering/<asset>}, {@code /metrics}, {@code /health}. Every HLS request is
 * reported to edge.requests, whatever its outcome.
 */
public final class EdgeServer implements AutoCloseable {
  private final EdgeConfig config;
  private final Clock clock;
  private final EdgeMetrics metrics = new EdgeMetrics();
  private final OriginStore store;
  private final EdgeCache cache;
  private final EventSink sink;
  private final PlayerData playerData;
  private final Prefetcher prefetcher;
  private final DirectiveApplier directives;
  private final DirectiveListener listener;
  private final UrlSigner signer;
  private final ContentSteering steering = new ContentSteering(ContentSteering.Weights.defaults());
  private final Map<String, ContentSteering.State> peers = new ConcurrentHashMap<>();
  private final ScheduledExecutorService prober;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Javalin app;

  public EdgeServer(EdgeConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.store = OriginStore.open(config.origin());
    ServingPolicy policy =
        switch (config.cachePolicy()) {
          case "lru" -> new LruCache(config.cacheBytes());
          case "s3fifo" -> new S3FifoCache(config.cacheBytes());
          default ->
              throw new IllegalArgumentException(
                  "cache-policy is lru or s3fifo, not " + config.cachePolicy());
        };
    this.sink = new EventSink(config.bootstrapServers(), config.spoolDir(), metrics);
    this.cache =
        new EdgeCache(
            policy,
            Origin.of(store),
            clock,
            metrics,
            (o, body) -> Freshness.of(o, body, directiveTtl(o), config.freshness()).ttl());
    this.prefetcher =
        new Prefetcher(
            cache, metrics, config.prefetchConcurrency(), config.prefetchBytesPerSecond());
    this.directives =
        new DirectiveApplier(
            config.edgeId(),
            config.region(),
            cache,
            prefetcher,
            config.prefetchPackagings(),
            config.prefetchDefaultSegments(),
            clock,
            metrics);
    this.playerData = new PlayerData(config.edgeId(), config.region(), sink, metrics);
    this.signer =
        config.signingSecret() == null
            ? null
            : new UrlSigner(config.signingSecret(), config.bindTokenToIp());
    this.listener =
        new DirectiveListener(
            config.bootstrapServers(),
            config.directivesTopic(),
            "edge-" + config.edgeId(),
            config.directivesFromEarliest(),
            directives,
            sink,
            metrics);
    this.prober =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "edge-peer-probe");
              t.setDaemon(true);
              return t;
            });
    metrics.gauge("edge_in_flight_requests", inFlight::get);
    metrics.describe("edge_requests_total", "HLS requests by cache outcome and status");
    metrics.describe("edge_origin_fetch_seconds", "origin fetch latency");
    this.app =
        Javalin.create(
            c -> {
              c.showJavalinBanner = false;
              c.http.maxRequestSize = PlayerData.MAX_BEACON_BYTES;
              c.jetty.modifyServer(s -> s.setStopTimeout(config.shutdownGrace().toMillis()));
            });
    app.before(this::cors);
    app.options("/*", ctx -> ctx.status(204));
    app.get("/hls/*", this::serve);
    app.head("/hls/*", this::serve);
    app.post("/beacon", this::beacon);
    app.get("/steering/{asset}", this::steeringManifest);
    app.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.render()));
    app.get("/health", ctx -> ctx.json(health()));
  }

  public EdgeServer start() {
    listener.start();
    app.start(config.port());
    if (!config.pathways().isEmpty()) {
      prober.scheduleWithFixedDelay(
          this::probePeers, 0, config.peerProbeInterval().toMillis(), TimeUnit.MILLISECONDS);
    }
    return this;
  }

  public int port() {
    return app.port();
  }

  public EdgeMetrics metrics() {
    return metrics;
  }

  public EdgeCache cache() {
    return cache;
  }

  public EventSink sink() {
    return sink;
  }

  public Prefetcher prefetcher() {
    return prefetcher;
  }

  /** The topics an edge reads and writes, as the catalogue defines them. */
  public static List<Topics.TopicSpec> topics() {
    return List.of(
        Topics.spec(Topics.EDGE_REQUESTS),
        Topics.spec(Topics.VIEWER_EVENTS),
        Topics.spec(Topics.EVENTS_DLQ),
        Topics.spec(Topics.CDN_DIRECTIVES));
  }

  public DirectiveApplier directives() {
    return directives;
  }

  private Duration directiveTtl(HlsObject o) {
    return directives.ttl(o.assetId());
  }

  private void cors(Context ctx) {
    ctx.header("Access-Control-Allow-Origin", "*");
    ctx.header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS");
    ctx.header(
        "Access-Control-Allow-Headers",
        "Range, If-None-Match, Content-Type, CMCD-Object, CMCD-Request, CMCD-Session, CMCD-Status");
    ctx.header(
        "Access-Control-Expose-Headers", "Content-Length, Content-Range, ETag, X-Cache, Age");
    ctx.header("Access-Control-Max-Age", "86400");
  }

  private void serve(Context ctx) {
    long t0 = System.nanoTime();
    long now = clock.millis();
    inFlight.incrementAndGet();
    String rawPath = ctx.req().getRequestURI();
    HlsObject.Parsed parsed = HlsObject.parse(rawPath);
    HlsObject o = parsed.object().orElse(null);
    CacheStatus status = CacheStatus.BYPASS;
    long sent = 0;
    String session = null;
    try {
      if (o == null) {
        ctx.status(parsed.refusal().status).contentType("text/plain").result(parsed.detail());
        metrics.inc("edge_refused_total{why=\"" + parsed.refusal() + "\"}");
        return;
      }
      String token = null;
      if (signer != null) {
        String query = ctx.queryParam(UrlSigner.QUERY);
        token = query != null ? query : ctx.cookie(UrlSigner.COOKIE);
        UrlSigner.Check check =
            signer.check(token, o.tokenScope(), ctx.ip(), clock.instant().getEpochSecond());
        if (check != UrlSigner.Check.OK) {
          metrics.inc("edge_token_refused_total{why=\"" + check + "\"}");
          ctx.status(403).contentType("text/plain").result("token " + check.name().toLowerCase());
          return;
        }
      }
      session = cmcd(ctx, o, now);
      EdgeCache.Served served;
      try {
        served = cache.get(o);
      } catch (FileNotFoundException e) {
        ctx.status(404).contentType("text/plain").result("no such object");
        return;
      } catch (IOException e) {
        metrics.inc("edge_origin_errors_total");
        ctx.status(502).contentType("text/plain").result("origin unavailable");
        return;
      }
      status = served.status();
      byte[] body = served.entry().body();
      String etag = served.entry().etag();
      if (o.playlist()) {
        String text = new String(body, StandardCharsets.UTF_8);
        String rewritten = text;
        if (o.type() == ObjectType.MASTER_PLAYLIST && config.pathways().size() > 1) {
          rewritten =
              PlaylistRewriter.steered(
                  rewritten,
                  config.pathways(),
                  o.tokenScope(),
                  config.publicUrl() + "/steering/" + o.assetId());
        }
        if (signer != null && token != null) {
          rewritten = PlaylistRewriter.withToken(rewritten, token);
        }
        if (!rewritten.equals(text)) {
          body = rewritten.getBytes(StandardCharsets.UTF_8);
          etag = EdgeCache.etag(body);
        }
      }
      Freshness.Verdict fresh =
          Freshness.of(o, served.entry().body(), directiveTtl(o), config.freshness());
      ctx.header("Cache-Control", fresh.cacheControl());
      ctx.header("ETag", etag);
      ctx.header("Accept-Ranges", "bytes");
      ctx.header("X-Cache", status.name());
      ctx.contentType(o.contentType());
      String inm = ctx.header("If-None-Match");
      if (inm != null
          && (inm.strip().equals("*") || List.of(inm.split("\\s*,\\s*")).contains(etag))) {
        ctx.status(304);
        return;
      }
      ByteRange.Answer range =
          ByteRange.resolve(Optional.ofNullable(ctx.header("Range")), body.length);
      boolean head = ctx.method().name().equals("HEAD");
      if (range instanceof ByteRange.Unsatisfiable) {
        ctx.status(416).header("Content-Range", "bytes */" + body.length);
        return;
      }
      byte[] out = body;
      if (range instanceof ByteRange.Partial p) {
        ByteRange r = p.range();
        ctx.status(206).header("Content-Range", r.contentRange(body.length));
        out = java.util.Arrays.copyOfRange(body, (int) r.first(), (int) r.last() + 1);
      }
      ctx.header("Content-Length", String.valueOf(out.length));
      if (!head) {
        ctx.result(out);
        sent = out.length;
      }
    } finally {
      inFlight.decrementAndGet();
      int code = ctx.statusCode();
      metrics.inc("edge_requests_total{cache=\"" + status + "\",code=\"" + code + "\"}");
      metrics.inc("edge_bytes_served_total", sent);
      log(ctx, rawPath, o, code, status, sent, (System.nanoTime() - t0) / 1000, session, now);
    }
  }

  /**
   * @return the CMCD session id, when the request carried one
   */
  private String cmcd(Context ctx, HlsObject o, long now) {
    Map<String, String> headers = new HashMap<>();
    for (String h : Cmcd.HEADERS) {
      String v = ctx.header(h);
      if (v != null) {
        headers.put(h, v);
      }
    }
    String query = ctx.queryParam("CMCD");
    if (query == null && headers.isEmpty()) {
      return null;
    }
    try {
      Cmcd c = Cmcd.of(query, headers);
      playerData.fromCmcd(c, o.assetId(), now);
      return c.sessionId();
    } catch (Cmcd.Malformed e) {
      playerData.malformedCmcd(query != null ? query : headers.toString(), e.getMessage());
      return null;
    }
  }

  private void log(
      Context ctx,
      String rawPath,
      HlsObject o,
      int code,
      CacheStatus status,
      long bytes,
      long micros,
      String session,
      long now) {
    String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
    if (path.length() > 2048) {
      path = path.substring(0, 2048);
    }
    EdgeRequest r =
        new EdgeRequest(
            EdgeRequest.VERSION,
            Ids.of("request", config.edgeId(), UUID.randomUUID()),
            config.edgeId(),
            config.region(),
            ctx.method().name(),
            path,
            o == null ? null : o.assetId(),
            o == null ? null : o.rendition(),
            o == null ? null : o.sequence(),
            o == null ? ObjectType.OTHER : o.type(),
            code,
            status,
            bytes,
            micros,
            session,
            now);
    sink.send(config.requestsTopic(), config.edgeId(), r);
  }

  private void beacon(Context ctx) {
    byte[] body = ctx.bodyAsBytes();
    if (body.length > PlayerData.MAX_BEACON_BYTES) {
      ctx.status(413).result("beacon larger than " + PlayerData.MAX_BEACON_BYTES + " bytes");
      return;
    }
    PlayerData.BeaconResult r = playerData.beacon(body);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("accepted", r.accepted());
    answer.put("rejected", r.rejected());
    if (r.malformed()) {
      answer.put("error", "a beacon is a JSON array of viewer events");
    }
    ctx.status(r.malformed() || !r.rejected().isEmpty() ? 400 : 202).json(answer);
  }

  private void steeringManifest(Context ctx) {
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
              ? new ContentSteering.State(p, true, load(), cache.assets())
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

  private double load() {
    return Math.min(1.0, inFlight.get() / (double) config.maxInFlight());
  }

  private Map<String, Object> health() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("status", "ok");
    h.put("edgeId", config.edgeId());
    h.put("region", config.region());
    h.put("load", load());
    h.put("cacheBytes", cache.bytes());
    Set<String> assets = cache.assets();
    h.put(
        "assets",
        assets.size() > 1000 ? new TreeSet<>(List.copyOf(assets).subList(0, 1000)) : assets);
    return h;
  }

  private void probePeers() {
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

  /** Stops taking requests, lets those in flight finish, then flushes what is left to report. */
  @Override
  public void close() {
    prober.shutdownNow();
    listener.close();
    app.stop();
    prefetcher.close();
    sink.close();
    try {
      store.close();
    } catch (IOException e) {
      // closing; nothing left to do with the store
    }
  }
}
