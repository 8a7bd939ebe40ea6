package dev.segmentflow.edge;

import dev.segmentflow.cache.policy.LruCache;
import dev.segmentflow.cache.policy.PlannerPolicy;
import dev.segmentflow.cache.policy.S3FifoCache;
import dev.segmentflow.cache.policy.ServingPolicy;
import dev.segmentflow.cache.policy.SieveCache;
import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.transcode.store.OriginStore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The HLS edge: builds the cache, the reporting, the directive consumer and the prefetcher, and
 * routes {@code GET|HEAD /hls/<asset>/...} ({@link HlsRoute}), {@code POST /beacon} ({@link
 * BeaconRoute}), {@code GET /steering/<asset>} ({@link SteeringRoute}), {@code /metrics} and {@code
 * /health} ({@link StatusRoutes}).
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
  private final SteeringRoute steering;
  private final ScheduledExecutorService prober;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Javalin app;

  public EdgeServer(EdgeConfig config, Clock clock) {
    this(config, clock, UnaryOperator.identity());
  }

  /**
   * @param around wraps the origin the cache fetches from: a fault drill or a bench puts a slow or
   *     failing origin behind one edge this way, with everything else as in production
   */
  public EdgeServer(EdgeConfig config, Clock clock, UnaryOperator<Origin> around) {
    this.config = config;
    this.clock = clock;
    this.store = OriginStore.open(config.origin());
    PlaylistLengths lengths = new PlaylistLengths();
    ServingPolicy policy = policy(config, lengths);
    this.sink = new EventSink(config.bootstrapServers(), config.spoolDir(), metrics);
    this.cache =
        new EdgeCache(
            policy,
            around.apply(Origin.of(store)),
            clock,
            metrics,
            (o, body) -> Freshness.of(o, body, directiveTtl(o), config.freshness()).ttl());
    RequestLog log = new RequestLog(config, sink);
    this.prefetcher =
        new Prefetcher(
            cache,
            metrics,
            log,
            clock,
            config.prefetchConcurrency(),
            config.prefetchBytesPerSecond());
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
    HlsRoute hls =
        new HlsRoute(
            config, clock, cache, directives, playerData, signer, log, metrics, inFlight, lengths);
    this.steering = new SteeringRoute(config, cache, this::load);
    StatusRoutes status = new StatusRoutes(config, cache, metrics, this::load);
    app.before(EdgeServer::cors);
    app.options("/*", ctx -> ctx.status(204));
    app.get("/hls/*", hls);
    app.head("/hls/*", hls);
    app.post("/beacon", new BeaconRoute(playerData));
    app.get("/steering/{asset}", steering);
    app.get("/metrics", status::metrics);
    app.get("/health", status::health);
  }

  /**
   * The cache policy: the planner (the policy the simulator measures, planning with the sessions,
   * titles and reach it sees) unless the configuration names a generic one.
   */
  private ServingPolicy policy(EdgeConfig config, PlaylistLengths lengths) {
    return switch (config.cachePolicy()) {
      case "lru" -> new LruCache(config.cacheBytes());
      case "s3fifo" -> new S3FifoCache(config.cacheBytes());
      case "sieve" -> new SieveCache(config.cacheBytes());
      case "planner" -> {
        PlannerPolicy p =
            new PlannerPolicy(
                config.cacheBytes(),
                PopularityConfig.defaults().halfLifeMillis(),
                PopularityConfig.defaults().fastHalfLifeMillis(),
                lengths,
                1);
        // A TTL directive bounds how long a title's objects stay while nobody asks for them: they
        // are evicted first once idle longer (segments never go stale: they are immutable).
        p.expiry(
            (assetId, idleMillis) -> {
              Duration ttl = directives == null ? null : directives.ttl(assetId);
              return ttl != null && idleMillis > ttl.toMillis();
            });
        metrics.gauge("edge_planner_sessions", p::activeSessions);
        metrics.gauge("edge_planner_titles", p::titles);
        metrics.gauge("edge_planner_title_lengths", lengths::titles);
        metrics.describe("edge_planner_sessions", "viewer sessions the planner follows now");
        yield p;
      }
      default ->
          throw new IllegalArgumentException(
              "cache-policy is planner, s3fifo, sieve or lru, not " + config.cachePolicy());
    };
  }

  public EdgeServer start() {
    listener.start();
    app.start(config.port());
    if (!config.pathways().isEmpty()) {
      prober.scheduleWithFixedDelay(
          steering::probePeers, 0, config.peerProbeInterval().toMillis(), TimeUnit.MILLISECONDS);
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

  private static void cors(Context ctx) {
    ctx.header("Access-Control-Allow-Origin", "*");
    ctx.header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS");
    ctx.header(
        "Access-Control-Allow-Headers",
        "Range, If-None-Match, Content-Type, CMCD-Object, CMCD-Request, CMCD-Session, CMCD-Status");
    ctx.header(
        "Access-Control-Expose-Headers", "Content-Length, Content-Range, ETag, X-Cache, Age");
    ctx.header("Access-Control-Max-Age", "86400");
  }

  private double load() {
    return Math.min(1.0, inFlight.get() / (double) config.maxInFlight());
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
