package dev.segmentflow.edge;

import dev.segmentflow.schemas.events.EdgeRequest.CacheStatus;
import dev.segmentflow.schemas.events.EdgeRequest.ObjectType;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import jakarta.servlet.ServletOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.HttpOutput;

/**
 * {@code GET|HEAD /hls/<asset>/...}: the object from the cache (the origin on a miss), with its
 * token checked, its CMCD turned into viewer events, ranges and conditional requests answered, and
 * every request, whatever its outcome, reported to edge.requests.
 */
final class HlsRoute implements Handler {
  private final EdgeConfig config;
  private final Clock clock;
  private final EdgeCache cache;
  private final DirectiveApplier directives;
  private final PlayerData playerData;
  private final UrlSigner signer;
  private final RequestLog log;
  private final EdgeMetrics metrics;
  private final AtomicInteger inFlight;
  private final PlaylistLengths lengths;

  HlsRoute(
      EdgeConfig config,
      Clock clock,
      EdgeCache cache,
      DirectiveApplier directives,
      PlayerData playerData,
      UrlSigner signer,
      RequestLog log,
      EdgeMetrics metrics,
      AtomicInteger inFlight,
      PlaylistLengths lengths) {
    this.config = config;
    this.clock = clock;
    this.cache = cache;
    this.directives = directives;
    this.playerData = playerData;
    this.signer = signer;
    this.log = log;
    this.metrics = metrics;
    this.inFlight = inFlight;
    this.lengths = lengths;
  }

  @Override
  public void handle(Context ctx) {
    long t0 = System.nanoTime();
    long now = clock.millis();
    inFlight.incrementAndGet();
    String rawPath = ctx.req().getRequestURI();
    HlsObject.Parsed parsed = HlsObject.parse(rawPath);
    HlsObject o = parsed.object().orElse(null);
    CacheStatus status = CacheStatus.BYPASS;
    long sent = 0;
    Long originMicros = null;
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
      long lookup = System.nanoTime();
      try {
        served = cache.get(o, session);
      } catch (FileNotFoundException e) {
        ctx.status(404).contentType("text/plain").result("no such object");
        return;
      } catch (IOException e) {
        originMicros = (System.nanoTime() - lookup) / 1000;
        metrics.inc("edge_origin_errors_total");
        ctx.status(502).contentType("text/plain").result("origin unavailable");
        return;
      }
      status = served.status();
      if (status == CacheStatus.MISS) {
        // this request's wait for the origin, whether it fetched or joined another's fetch
        originMicros = (System.nanoTime() - lookup) / 1000;
      }
      EdgeCache.Entry entry = served.entry();
      ByteBuffer body = entry.content();
      String etag = entry.etag();
      if (o.playlist()) {
        byte[] text = entry.body();
        lengths.learn(o, text, status == CacheStatus.MISS);
        byte[] rewritten = rewrite(o, text, token);
        if (rewritten != text) {
          body = ByteBuffer.wrap(rewritten);
          etag = EdgeCache.etag(rewritten);
        }
      }
      int size = body.remaining();
      Freshness.Verdict fresh =
          Freshness.of(
              o,
              o.playlist() ? entry.body() : null,
              directives.ttl(o.assetId()),
              config.freshness());
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
      ByteRange.Answer range = ByteRange.resolve(Optional.ofNullable(ctx.header("Range")), size);
      boolean head = ctx.method().name().equals("HEAD");
      if (range instanceof ByteRange.Unsatisfiable) {
        ctx.status(416).header("Content-Range", "bytes */" + size);
        return;
      }
      if (range instanceof ByteRange.Partial p) {
        ByteRange r = p.range();
        ctx.status(206).header("Content-Range", r.contentRange(size));
        body = body.position((int) r.first()).limit((int) r.last() + 1).slice();
      }
      ctx.header("Content-Length", String.valueOf(body.remaining()));
      if (!head) {
        int length = body.remaining();
        send(ctx, body);
        sent = length;
      }
    } catch (IOException e) {
      // the client went away mid-body: nothing left to answer; logged with no bytes sent
      metrics.inc("edge_client_aborts_total");
    } finally {
      inFlight.decrementAndGet();
      int code = ctx.statusCode();
      metrics.inc("edge_requests_total{cache=\"" + status + "\",code=\"" + code + "\"}");
      metrics.inc("edge_bytes_served_total", sent);
      long micros = (System.nanoTime() - t0) / 1000;
      log.served(
          ctx.method().name(), rawPath, o, code, status, sent, micros, originMicros, session, now);
    }
  }

  /** A playlist as this request must see it: steered, tokenised; the same array when unchanged. */
  private byte[] rewrite(HlsObject o, byte[] body, String token) {
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
    return rewritten.equals(text) ? body : rewritten.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Hands the body to Jetty as it is: a slice of the cache's direct buffer goes to the socket
   * without passing through the heap or the response's aggregation buffer.
   */
  private static void send(Context ctx, ByteBuffer body) throws IOException {
    ServletOutputStream out = ctx.res().getOutputStream();
    if (out instanceof HttpOutput jetty) {
      jetty.sendContent(body);
    } else {
      byte[] copy = new byte[body.remaining()];
      body.get(copy);
      out.write(copy);
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
}
