package dev.segmentflow.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.Directive;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.kafka.TopicCreator;
import dev.segmentflow.testkit.RealServices;
import dev.segmentflow.transcode.encode.VodPackager;
import dev.segmentflow.transcode.ffmpeg.ChildRun;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.ingest.SampleMedia;
import dev.segmentflow.transcode.probe.MediaProber;
import dev.segmentflow.transcode.store.OriginStore;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge over a real port, on a real Kafka broker and a real origin store holding HLS that the
 * transcoder made from a synthetic clip.
 */
@ExtendWith(RealServices.class)
class EdgeServerTest {
  static final FfmpegTools TOOLS = FfmpegTools.bundled();
  static final String SECRET_TEXT = "this file is outside the store";
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  static Path origin;
  static int sourceFrames;
  static KafkaBroker kafka;
  static EdgeServer edge;
  static String base;

  @BeforeAll
  static void packageAnAssetAndStartTheEdge(KafkaBroker broker) throws Exception {
    kafka = broker;
    origin = dir.resolve("origin");
    Files.createDirectories(origin);
    // a secret beside the store and one a level up: no request may reach either
    Files.writeString(dir.resolve("secret.txt"), SECRET_TEXT);
    Files.writeString(origin.resolve("secret.txt"), SECRET_TEXT);
    Path clip = SampleMedia.synthetic(dir.resolve("clip.mp4"), 12, 640, 360, 24, true);
    sourceFrames = new MediaProber(TOOLS, Duration.ofMinutes(1)).videoPackets(clip).size();
    try (OriginStore store = OriginStore.open(OriginStore.Config.local(origin))) {
      VodPackager.quick(TOOLS, List.of("360p", "240p"), store)
          .packageFile(clip, "a1", 6, dir.resolve("work"), s -> {});
    }
    TopicCreator.ensure(kafka.bootstrapServers(), EdgeServer.topics(), (short) 1);
    edge = new EdgeServer(config(Map.of()), Clock.systemUTC()).start();
    base = "http://localhost:" + edge.port();
  }

  static EdgeConfig config(Map<String, String> extra) {
    Map<String, String> s = new HashMap<>();
    s.put("port", "0");
    s.put("edge-id", "edge-t1");
    s.put("region", "eu");
    s.put("origin", origin.toUri().toString());
    s.put("bootstrap-servers", kafka.bootstrapServers());
    s.put("spool-dir", dir.resolve("spool-" + extra.hashCode()).toString());
    s.put("directives-from-earliest", "true");
    s.putAll(extra);
    return EdgeConfig.of(s);
  }

  @AfterAll
  static void stop() {
    if (edge != null) {
      edge.close();
    }
  }

  static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void servesHlsWithTypesCachingValidatorsRangesAndCors() throws Exception {
    HttpResponse<byte[]> master = get("/hls/a1/master.m3u8");
    assertThat(master.statusCode()).isEqualTo(200);
    assertThat(master.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/vnd.apple.mpegurl");
    assertThat(master.headers().firstValue("Cache-Control")).hasValue("public, max-age=30");
    assertThat(master.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(text(master)).contains("360p/index.m3u8").contains("240p/index.m3u8");

    HttpResponse<byte[]> media = get("/hls/a1/360p/index.m3u8");
    assertThat(media.headers().firstValue("Cache-Control")).hasValue("public, max-age=86400");
    HttpResponse<byte[]> seg = get("/hls/a1/360p/000000.ts");
    assertThat(seg.statusCode()).isEqualTo(200);
    assertThat(seg.headers().firstValue("Content-Type")).hasValue("video/mp2t");
    assertThat(seg.headers().firstValue("Cache-Control"))
        .hasValue("public, max-age=31536000, immutable");
    assertThat(seg.body()).isEqualTo(Files.readAllBytes(origin.resolve("a1/360p/000000.ts")));
    assertThat(get("/hls/a1/360p/000000.ts").headers().firstValue("X-Cache")).hasValue("HIT");
    assertThat(get("/hls/a1/360p/init.mp4").headers().firstValue("Content-Type"))
        .hasValue("video/mp4");
    assertThat(get("/hls/a1/360p/000000.m4s").headers().firstValue("Content-Type"))
        .hasValue("video/mp4");

    String etag = seg.headers().firstValue("ETag").orElseThrow();
    HttpResponse<byte[]> notModified = get("/hls/a1/360p/000000.ts", "If-None-Match", etag);
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();
    assertThat(get("/hls/a1/360p/000000.ts", "If-None-Match", "\"other\"").statusCode())
        .isEqualTo(200);

    HttpResponse<byte[]> part = get("/hls/a1/360p/000000.ts", "Range", "bytes=100-299");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.headers().firstValue("Content-Range"))
        .hasValue("bytes 100-299/" + seg.body().length);
    assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(seg.body(), 100, 300));
    HttpResponse<byte[]> beyond =
        get("/hls/a1/360p/000000.ts", "Range", "bytes=" + seg.body().length + "-");
    assertThat(beyond.statusCode()).isEqualTo(416);
    assertThat(beyond.headers().firstValue("Content-Range"))
        .hasValue("bytes */" + seg.body().length);

    HttpResponse<byte[]> head =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/hls/a1/360p/000000.ts"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).hasValue("" + seg.body().length);
    assertThat(head.body()).isEmpty();

    HttpResponse<byte[]> preflight =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/hls/a1/360p/000000.ts"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://player.example")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "range")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
        .contains("Range")
        .contains("CMCD-Request");

    assertThat(get("/hls/a1/360p/000099.ts").statusCode()).isEqualTo(404);
    assertThat(get("/hls/nope/master.m3u8").statusCode()).isEqualTo(404);
  }

  @Test
  void hostilePathsGetAClearRefusalAndNothingOutsideTheStore() throws Exception {
    List<String> hostile =
        List.of(
            "/hls/../secret.txt",
            "/hls/a1/../../secret.txt",
            "/hls/a1/360p/../../../secret.txt",
            "/hls/%2e%2e/secret.txt",
            "/hls/%2E%2E/%2E%2E/secret.txt",
            "/hls/a1/%2e%2e/%2e%2e/secret.txt",
            "/hls/..%2fsecret.txt",
            "/hls/..%2Fsecret.txt",
            "/hls/%2e%2e%2fsecret.txt",
            "/hls/..%5csecret.txt",
            "/hls/..\\secret.txt",
            "/hls/%252e%252e/secret.txt",
            "/hls/%c0%ae%c0%ae/secret.txt",
            "/hls/%c0%2e%c0%2e/secret.txt",
            "/hls/%e0%80%ae%e0%80%ae/secret.txt",
            "/hls/..%c0%afsecret.txt",
            "/hls/..%u2215secret.txt",
            "/hls/%uff0e%uff0e/secret.txt",
            "/hls/a1/360p/000000.ts%00.m3u8",
            "/hls/a1/master.m3u8%00",
            "/hls/a1/%00/master.m3u8",
            "/hls/secret.txt",
            "/hls//secret.txt",
            "/hls///etc/passwd",
            "/hls/%2fetc%2fpasswd",
            "/hls/a1/../../../../../../etc/passwd",
            "/hls/....//....//secret.txt",
            "/hls/.../secret.txt",
            "/hls/./a1/master.m3u8",
            "/hls/a1/./master.m3u8",
            "/hls/.git/config",
            "/hls/a1/source/000000.mkv",
            "/hls/a1/archive/360p/ts-000000.json",
            "/hls/a1/360p/000000.ts;.m3u8",
            "/hls/a1/360p/000000.ts/..",
            "/hls/a1/master.m3u8/",
            "/hls/file:%2f%2f%2fetc%2fpasswd",
            "/hls/a1/" + "a/".repeat(300) + "master.m3u8",
            "/hls/" + "x".repeat(5000),
            "/secret.txt",
            "/../secret.txt",
            "/etc/passwd",
            "/hls/a1/360p/000000.ts%20",
            "/hls/a1/360p/%30%30%30%30%30%30.ts");
    assertThat(hostile).hasSizeGreaterThanOrEqualTo(40);
    for (String path : hostile) {
      Raw r = raw(path);
      assertThat(r.status()).as(path).isIn(400, 404, 414, 431);
      assertThat(r.body()).as(path).doesNotContain(SECRET_TEXT).doesNotContain("root:");
    }
    // a query is never part of the object's name
    Raw query = raw("/hls/a1/master.m3u8?../../secret.txt");
    assertThat(query.status()).isEqualTo(200);
    assertThat(query.body()).contains("#EXTM3U").doesNotContain(SECRET_TEXT);
    // an over-long header is refused too
    Raw longHeader = raw("/hls/a1/master.m3u8", "X-Pad: " + "y".repeat(64 * 1024));
    assertThat(longHeader.status()).isIn(400, 431);
    // and the edge is still serving
    assertThat(get("/hls/a1/master.m3u8").statusCode()).isEqualTo(200);
  }

  record Raw(int status, String body) {}

  /** Sends the request line byte for byte, as no HTTP client library would. */
  static Raw raw(String path, String... headers) throws Exception {
    try (Socket s = new Socket("localhost", edge.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n");
      for (String h : headers) {
        req.append(h).append("\r\n");
      }
      req.append("Connection: close\r\n\r\n");
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String resp = all.toString(StandardCharsets.ISO_8859_1);
      int status = Integer.parseInt(resp.substring(9, 12));
      return new Raw(status, resp);
    }
  }

  @Test
  void aHerdOfMissesForOneSegmentMakesOneOriginFetch() throws Exception {
    String path = "/hls/a1/240p/000001.ts";
    long before = edge.metrics().originFetches();
    ExecutorService pool = Executors.newFixedThreadPool(100);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> all = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Callable<Integer> c =
          () -> {
            go.await();
            return get(path).statusCode();
          };
      all.add(pool.submit(c));
    }
    go.countDown();
    for (Future<Integer> f : all) {
      assertThat(f.get()).isEqualTo(200);
    }
    pool.shutdown();
    assertThat(edge.metrics().originFetches() - before).isEqualTo(1);
  }

  @Test
  void thePlannerFollowsCmcdSessionsAndLearnsTitlesFromThePlaylistsItServes() throws Exception {
    assertThat(get("/hls/a1/240p/index.m3u8").statusCode()).isEqualTo(200);
    String cmcd =
        java.net.URLEncoder.encode("cid=\"a1\",sid=\"sess-plan-1\"", StandardCharsets.UTF_8);
    for (int seg = 0; seg < 2; seg++) {
      assertThat(get(String.format("/hls/a1/240p/%06d.ts?CMCD=%s", seg, cmcd)).statusCode())
          .isEqualTo(200);
    }
    String metrics = text(get("/metrics"));
    assertThat(gauge(metrics, "edge_planner_sessions")).isGreaterThanOrEqualTo(1);
    assertThat(gauge(metrics, "edge_planner_titles")).isGreaterThanOrEqualTo(1);
    assertThat(gauge(metrics, "edge_planner_title_lengths")).isGreaterThanOrEqualTo(1);
  }

  static long gauge(String metrics, String name) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(name + " "))
        .mapToLong(l -> Long.parseLong(l.substring(name.length() + 1).strip()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " missing from /metrics"));
  }

  @Test
  void reportsEveryRequestAndTurnsCmcdAndBeaconsIntoViewerEvents() throws Exception {
    String cmcd =
        java.net.URLEncoder.encode(
            "bl=12300,br=800,bs,cid=\"a1\",mtp=25400,ot=v,sf=h,sid=\"sess-cmcd-1\",st=v,su",
            StandardCharsets.UTF_8);
    assertThat(get("/hls/a1/360p/000001.ts?CMCD=" + cmcd).statusCode()).isEqualTo(200);
    assertThat(
            get(
                    "/hls/a1/360p/000001.ts",
                    "CMCD-Session",
                    "sid=\"sess-cmcd-2\",cid=\"a1\"",
                    "CMCD-Request",
                    "bl=4000,mtp=9000",
                    "CMCD-Object",
                    "br=400,ot=v")
                .statusCode())
        .isEqualTo(200);
    // malformed CMCD: the segment is still served, the data goes to the dead-letter topic
    assertThat(get("/hls/a1/360p/000001.ts?CMCD=bl%3Dlots%2Csid%3D%22bad-cmcd%22").statusCode())
        .isEqualTo(200);

    String okBeacon =
        "[{\"schemaVersion\":1,\"eventId\":\"b-1\",\"type\":\"play_request\",\"sessionId\":\"sess-b\","
            + "\"viewerId\":\"v1\",\"assetId\":\"a1\",\"eventTimeMillis\":"
            + System.currentTimeMillis()
            + "},{\"schemaVersion\":1,\"eventId\":\"b-2\",\"type\":\"first_frame\",\"sessionId\":\"sess-b\","
            + "\"viewerId\":\"v1\",\"assetId\":\"a1\",\"eventTimeMillis\":"
            + System.currentTimeMillis()
            + "}]";
    assertThat(post("/beacon", okBeacon).statusCode()).isEqualTo(202);
    HttpResponse<byte[]> malformed = post("/beacon", "{not json");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(text(malformed)).contains("JSON array");
    HttpResponse<byte[]> mixed =
        post(
            "/beacon",
            "[{\"schemaVersion\":1,\"eventId\":\"b-3\",\"type\":\"end\",\"sessionId\":\"sess-b\","
                + "\"viewerId\":\"v1\",\"assetId\":\"a1\",\"eventTimeMillis\":"
                + System.currentTimeMillis()
                + "},{\"schemaVersion\":1,\"type\":\"teleport\"}]");
    assertThat(mixed.statusCode()).isEqualTo(400);
    JsonNode answer = Json.MAPPER.readTree(mixed.body());
    assertThat(answer.get("accepted").asInt()).isEqualTo(1);
    assertThat(answer.get("rejected").get(0).get("index").asInt()).isEqualTo(1);

    List<ViewerEvent> events =
        read(Topics.VIEWER_EVENTS, ViewerEvent.class, l -> l.size() >= 5, Duration.ofSeconds(30));
    ViewerEvent q =
        events.stream().filter(e -> e.sessionId().equals("sess-cmcd-1")).findFirst().orElseThrow();
    assertThat(q.bufferLengthMillis()).isEqualTo(12300);
    assertThat(q.bitrateKbps()).isEqualTo(800);
    assertThat(q.measuredThroughputKbps()).isEqualTo(25400);
    assertThat(q.bufferStarvation()).isTrue();
    assertThat(q.startup()).isTrue();
    assertThat(q.assetId()).isEqualTo("a1");
    assertThat(q.edgeId()).isEqualTo("edge-t1");
    ViewerEvent h =
        events.stream().filter(e -> e.sessionId().equals("sess-cmcd-2")).findFirst().orElseThrow();
    assertThat(h.bufferLengthMillis()).isEqualTo(4000);
    assertThat(h.bitrateKbps()).isEqualTo(400);
    assertThat(
            events.stream().filter(e -> e.sessionId().equals("sess-b")).map(ViewerEvent::eventId))
        .containsExactlyInAnyOrder("b-1", "b-2", "b-3");
    assertThat(events.stream().filter(e -> e.sessionId().equals("sess-b")).map(ViewerEvent::region))
        .containsOnly("eu");

    List<DeadLetter> letters =
        read(Topics.EVENTS_DLQ, DeadLetter.class, l -> l.size() >= 3, Duration.ofSeconds(30));
    assertThat(letters).extracting(d -> d.reason().name()).contains("WRONG_TYPE", "MALFORMED_JSON");
    assertThat(letters).anySatisfy(d -> assertThat(d.payload()).contains("bad-cmcd"));
    assertThat(letters).anySatisfy(d -> assertThat(d.payload()).contains("teleport"));

    List<EdgeRequest> log =
        read(
            Topics.EDGE_REQUESTS,
            EdgeRequest.class,
            l -> l.stream().anyMatch(r -> "sess-cmcd-2".equals(r.sessionId())),
            Duration.ofSeconds(30));
    EdgeRequest withCmcd =
        log.stream().filter(r -> "sess-cmcd-1".equals(r.sessionId())).findFirst().orElseThrow();
    assertThat(withCmcd.path()).isEqualTo("/hls/a1/360p/000001.ts"); // no query: tokens stay out
    assertThat(withCmcd.objectType()).isEqualTo(EdgeRequest.ObjectType.SEGMENT);
    assertThat(withCmcd.segmentSequence()).isEqualTo(1);
    assertThat(withCmcd.rendition()).isEqualTo("360p");
    assertThat(withCmcd.bytes()).isEqualTo(Files.size(origin.resolve("a1/360p/000001.ts")));
    assertThat(
            log.stream()
                .filter(r -> r.path().equals("/hls/a1/360p/000001.ts"))
                .map(r -> r.cacheStatus()))
        .contains(EdgeRequest.CacheStatus.HIT);
    // the origin wait is logged for misses only, and is part of the whole request's latency
    assertThat(log)
        .filteredOn(r -> r.cacheStatus() == EdgeRequest.CacheStatus.MISS)
        .isNotEmpty()
        .allSatisfy(
            r ->
                assertThat(r.originLatencyMicros())
                    .isNotNull()
                    .isPositive()
                    .isLessThanOrEqualTo(r.latencyMicros()));
    assertThat(log)
        .filteredOn(r -> r.cacheStatus() == EdgeRequest.CacheStatus.HIT)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.originLatencyMicros()).isNull());
  }

  static HttpResponse<byte[]> post(String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Reads a topic from the start until the records satisfy {@code enough}. */
  static <T> List<T> read(String topic, Class<T> type, Predicate<List<T>> enough, Duration timeout)
      throws InterruptedException {
    return read(kafka, topic, type, enough, timeout);
  }

  /** The edge reports asynchronously: what it sent may land a little after the request. */
  static <T> List<T> read(
      KafkaBroker broker, String topic, Class<T> type, Predicate<List<T>> enough, Duration timeout)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (true) {
      List<T> out = new ArrayList<>();
      broker.readCommitted(topic).forEach(v -> out.add(Json.read(v, type)));
      if (enough.test(out) || System.currentTimeMillis() >= deadline) {
        return out;
      }
      Thread.sleep(200);
    }
  }

  @Test
  void obeysPrefetchTtlAndEvictDirectivesForItsRegion() throws Exception {
    long now = System.currentTimeMillis();
    // an edge of its own: the TTL it is told must not leak into the other tests
    try (EdgeServer edge =
        new EdgeServer(config(Map.of("edge-id", "edge-dir")), Clock.systemUTC()).start()) {
      obeysDirectives(edge, "http://localhost:" + edge.port(), now);
    }
  }

  private void obeysDirectives(EdgeServer edge, String base, long now) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer.send(
          new ProducerRecord<>(
              Topics.CDN_DIRECTIVES,
              "a1",
              Json.bytes(
                  directive("d-other", Directive.Kind.PREFETCH, "us", List.of("240p"), now))));
      producer.send(
          new ProducerRecord<>(
              Topics.CDN_DIRECTIVES,
              "a1",
              Json.bytes(directive("d-pre", Directive.Kind.PREFETCH, "eu", List.of("240p"), now))));
      producer.send(
          new ProducerRecord<>(
              Topics.CDN_DIRECTIVES, "a1", "{\"schemaVersion\":1,\"kind\":\"NUKE\"}".getBytes()));
      producer.flush();
    }
    await(
        () -> edge.metrics().get("edge_directives_total{kind=\"PREFETCH\",applied=\"true\"}") >= 1);
    assertThat(edge.prefetcher().awaitIdle(30_000)).isTrue();
    assertThat(edge.metrics().get("edge_directives_total{kind=\"PREFETCH\",applied=\"false\"}"))
        .isGreaterThanOrEqualTo(1);
    await(() -> edge.metrics().get("edge_directives_invalid_total") >= 1);
    assertThat(edge.metrics().get("edge_prefetch_bytes_total")).isPositive();
    // Each prefetch is on the access log, so origin traffic adds up from the log alone.
    long prefetchedBytes = edge.metrics().get("edge_prefetch_bytes_total");
    List<EdgeRequest> prefetches =
        prefetchLines(
            read(
                Topics.EDGE_REQUESTS,
                EdgeRequest.class,
                l ->
                    prefetchLines(l).stream().mapToLong(EdgeRequest::bytes).sum()
                        >= prefetchedBytes,
                Duration.ofSeconds(30)));
    assertThat(prefetches).extracting(EdgeRequest::path).contains("/hls/a1/240p/000000.m4s");
    assertThat(prefetches)
        .allSatisfy(
            r -> {
              assertThat(r.cacheStatus()).isEqualTo(EdgeRequest.CacheStatus.MISS);
              assertThat(r.sessionId()).isNull();
              assertThat(r.bytes()).isPositive();
            });
    assertThat(prefetches.stream().mapToLong(EdgeRequest::bytes).sum()).isEqualTo(prefetchedBytes);
    assertThat(header(base + "/hls/a1/240p/000000.m4s", "X-Cache")).hasValue("PREFETCH_HIT");
    assertThat(header(base + "/hls/a1/240p/000000.m4s", "X-Cache")).hasValue("HIT");

    edge.directives().apply(directive("d-ttl", Directive.Kind.TTL, "eu", List.of(), now));
    assertThat(header(base + "/hls/a1/240p/000000.ts", "Cache-Control"))
        .hasValue("public, max-age=3600, immutable");
    edge.directives().apply(directive("d-evict", Directive.Kind.EVICT, "eu", List.of("240p"), now));
    assertThat(header(base + "/hls/a1/240p/000000.ts", "X-Cache")).hasValue("MISS");
  }

  private static List<EdgeRequest> prefetchLines(List<EdgeRequest> log) {
    return log.stream()
        .filter(r -> r.edgeId().equals("edge-dir"))
        .filter(r -> r.method().equals(EdgeRequest.PREFETCH_METHOD))
        .toList();
  }

  static Directive directive(
      String id, Directive.Kind kind, String region, List<String> renditions, long now) {
    return new Directive(
        Directive.VERSION,
        id,
        kind,
        Directive.ScopeType.REGION,
        region,
        "a1",
        renditions,
        0,
        1,
        kind == Directive.Kind.TTL ? 3600L : null,
        Directive.Temperature.HOT,
        1.0,
        "test",
        now,
        now + 600_000);
  }

  static void await(java.util.function.BooleanSupplier c) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!c.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as("condition within 30 s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void signedUrlsGuardAnAssetAndItsPlaylistsCarryTheToken() throws Exception {
    String secret = "an edge signing secret of some length";
    try (EdgeServer signed =
        new EdgeServer(
                config(Map.of("signing-secret", secret, "edge-id", "edge-signed")),
                Clock.systemUTC())
            .start()) {
      String b = "http://localhost:" + signed.port();
      UrlSigner signer = new UrlSigner(secret.getBytes(StandardCharsets.UTF_8), false);
      long exp = System.currentTimeMillis() / 1000 + 600;
      String token = signer.sign("/hls/a1/", exp, null);
      assertThat(status(b + "/hls/a1/master.m3u8")).isEqualTo(403);
      assertThat(status(b + "/hls/a1/master.m3u8?token=" + token)).isEqualTo(200);
      assertThat(
              status(b + "/hls/a1/master.m3u8?token=" + signer.sign("/hls/a1/", exp - 700, null)))
          .isEqualTo(403);
      assertThat(status(b + "/hls/a1/master.m3u8?token=" + signer.sign("/hls/a2/", exp, null)))
          .isEqualTo(403);
      assertThat(
              status(
                  b
                      + "/hls/a1/master.m3u8?token="
                      + (exp + 1)
                      + token.substring(token.indexOf('.'))))
          .isEqualTo(403);
      HttpResponse<byte[]> viaCookie =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(b + "/hls/a1/360p/000000.ts"))
                  .header("Cookie", UrlSigner.COOKIE + "=" + token)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(viaCookie.statusCode()).isEqualTo(200);
      String media =
          new String(
              HTTP.send(
                      HttpRequest.newBuilder(
                              URI.create(b + "/hls/a1/360p/index-fmp4.m3u8?token=" + token))
                          .build(),
                      HttpResponse.BodyHandlers.ofByteArray())
                  .body(),
              StandardCharsets.UTF_8);
      assertThat(media).contains("URI=\"init.mp4?token=" + token + "\"");
      List<String> uris = media.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
      assertThat(uris).isNotEmpty().allMatch(u -> u.endsWith("?token=" + token));
      // the child URIs work as written
      assertThat(status(b + "/hls/a1/360p/" + uris.get(0))).isEqualTo(200);
    }
  }

  static java.util.Optional<String> header(String url, String name) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .headers()
        .firstValue(name);
  }

  static int status(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void spoolsTheAccessLogWhileKafkaIsDownAndSendsItWhenItIsBack() throws Exception {
    int port = dev.segmentflow.localservices.Ports.free();
    int controller = dev.segmentflow.localservices.Ports.free();
    Path brokerDir = dir.resolve("own-broker");
    KafkaBroker own = KafkaBroker.start(brokerDir, port, controller);
    TopicCreator.ensure(
        own.bootstrapServers(), List.of(Topics.spec(Topics.EDGE_REQUESTS)), (short) 1);
    try (EdgeServer e =
        new EdgeServer(
                config(
                    Map.of(
                        "bootstrap-servers", own.bootstrapServers(),
                        "edge-id", "edge-spool",
                        "spool-dir", dir.resolve("spool-own").toString())),
                Clock.systemUTC())
            .start()) {
      String b = "http://localhost:" + e.port();
      assertThat(status(b + "/hls/a1/master.m3u8")).isEqualTo(200);
      own.close();
      for (int i = 0; i < 20; i++) {
        assertThat(status(b + "/hls/a1/360p/00000" + (i % 2) + ".ts")).isEqualTo(200);
      }
      await(() -> e.metrics().get("edge_events_spooled_total") >= 20);
      assertThat(Files.list(dir.resolve("spool-own")).count()).isPositive();
      own = KafkaBroker.start(brokerDir, port, controller);
      long deadline = System.currentTimeMillis() + 60_000;
      while (e.sink().pending() > 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
      }
      assertThat(e.sink().pending()).isZero();
      List<EdgeRequest> log =
          read(
              own,
              Topics.EDGE_REQUESTS,
              EdgeRequest.class,
              l -> l.stream().map(EdgeRequest::requestId).distinct().count() >= 21,
              Duration.ofSeconds(30));
      assertThat(log.stream().map(EdgeRequest::requestId).distinct().count()).isEqualTo(21);
    } finally {
      own.close();
    }
  }

  @Test
  void ffmpegPlaysTheMasterThroughTheEdge() {
    for (String master : List.of("/hls/a1/master.m3u8", "/hls/a1/master-fmp4.m3u8")) {
      ChildRun.Result r =
          TOOLS.ffmpeg(
              List.of("-i", base + master, "-map", "0:v:0", "-f", "framemd5", "-"),
              Duration.ofMinutes(2));
      assertThat(r.ok()).as(master).isTrue();
      assertThat(r.stderr().strip()).as(master + " decode errors").isEmpty();
      assertThat(r.stdout().lines().filter(l -> !l.startsWith("#")).count())
          .as(master)
          .isEqualTo(sourceFrames);
    }
  }

  @Test
  void steersPlayersToHealthyEdgesAndExposesMetricsAndHealth() throws Exception {
    int portA = dev.segmentflow.localservices.Ports.free();
    int portB = dev.segmentflow.localservices.Ports.free();
    String pathways =
        "edge-a=http://localhost:" + portA + ";eu;10,edge-b=http://localhost:" + portB + ";us;10";
    Map<String, String> common = Map.of("pathways", pathways, "peer-probe-seconds", "1");
    Map<String, String> a = new HashMap<>(common);
    a.put("edge-id", "edge-a");
    a.put("port", "" + portA);
    a.put("public-url", "http://localhost:" + portA);
    try (EdgeServer edgeA = new EdgeServer(config(a), Clock.systemUTC()).start()) {
      String steer = "http://localhost:" + portA + "/steering/a1?region=us";
      // edge-b is not running: only edge-a is offered, even to a client in edge-b's region
      Thread.sleep(1500);
      assertThat(Json.MAPPER.readTree(fetch(steer)).get("PATHWAY-PRIORITY").toString())
          .isEqualTo("[\"edge-a\"]");
      String master = fetch("http://localhost:" + portA + "/hls/a1/master.m3u8");
      assertThat(master)
          .contains(
              "#EXT-X-CONTENT-STEERING:SERVER-URI=\"http://localhost:" + portA + "/steering/a1\"")
          .contains("PATHWAY-ID=\"edge-b\"\nhttp://localhost:" + portB + "/hls/a1/");
      Map<String, String> bConf = new HashMap<>(common);
      bConf.put("edge-id", "edge-b");
      bConf.put("region", "us");
      bConf.put("port", "" + portB);
      try (EdgeServer edgeB = new EdgeServer(config(bConf), Clock.systemUTC()).start()) {
        long deadline = System.currentTimeMillis() + 15_000;
        String priority = "";
        while (System.currentTimeMillis() < deadline) {
          priority = Json.MAPPER.readTree(fetch(steer)).get("PATHWAY-PRIORITY").toString();
          if (priority.equals("[\"edge-b\",\"edge-a\"]")) {
            break;
          }
          Thread.sleep(200);
        }
        // a client in us: the us edge first once it answers its health probe
        assertThat(priority).isEqualTo("[\"edge-b\",\"edge-a\"]");
        assertThat(edgeB.port()).isEqualTo(portB);
      }
    }
    String metrics = fetch(base + "/metrics");
    assertThat(metrics)
        .contains("# TYPE edge_requests_total counter")
        .contains("edge_requests_total{cache=\"HIT\",code=\"200\"}")
        .contains("edge_origin_fetch_seconds_bucket{le=\"+Inf\"}")
        .contains("edge_cache_bytes ")
        .contains("edge_bytes_served_total ");
    JsonNode health = Json.MAPPER.readTree(fetch(base + "/health"));
    assertThat(health.get("status").asText()).isEqualTo("ok");
    assertThat(health.get("edgeId").asText()).isEqualTo("edge-t1");
  }

  static String fetch(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
