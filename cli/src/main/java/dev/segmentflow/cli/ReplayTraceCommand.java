package dev.segmentflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segmentflow.edge.Cmcd;
import dev.segmentflow.schemas.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code segmentflow replay-trace}: a recorded request trace, played against an edge. */
@Command(
    name = "replay-trace",
    mixinStandardHelpOptions = true,
    description = {
      "Replay a request trace against an edge at its recorded pace (or --speed times faster):",
      "JSON lines as on edge.requests (path, requestTimeMillis) or as ClickHouse exports them",
      "(SELECT path, request_time_ms FROM edge_requests ORDER BY request_time_ms",
      "FORMAT JSONEachRow). Only GETs of /hls/ paths are replayed. A line's session id",
      "(sessionId or session_id) goes with its request as CMCD (CMCD-Session: sid=...), so",
      "the edge follows sessions as it does for players. Prints the status codes, the cache",
      "hit ratio by requests and by bytes, and the replay's latency."
    })
final class ReplayTraceCommand implements Callable<Integer> {
  @Option(names = "--edge", required = true, description = "the edge's base URL")
  String edge;

  @Option(names = "--trace", required = true, description = "the trace file (JSON lines)")
  Path trace;

  @Option(
      names = "--speed",
      description = "time compression; 0 = as fast as possible (default: ${DEFAULT-VALUE})")
  double speed = 1;

  @Option(
      names = "--concurrency",
      description = "requests in flight at most (default: ${DEFAULT-VALUE})")
  int concurrency = 64;

  /**
   * @param sessionId the viewer session, or null
   */
  record Request(long atMillis, String path, String sessionId) {}

  @Override
  public Integer call() throws Exception {
    List<Request> requests = read(trace);
    if (requests.isEmpty()) {
      throw new IllegalArgumentException(trace + " holds no GET /hls/ requests");
    }
    long span = requests.get(requests.size() - 1).atMillis() - requests.get(0).atMillis();
    System.out.printf(
        Locale.ROOT,
        "replaying %d requests spanning %.0f s against %s%s%n",
        requests.size(),
        span / 1000.0,
        edge,
        speed > 0 ? String.format(Locale.ROOT, " at %.1fx", speed) : " as fast as possible");
    String base = edge.endsWith("/") ? edge.substring(0, edge.length() - 1) : edge;
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Map<String, AtomicLong> byStatus = new ConcurrentHashMap<>();
    Map<String, AtomicLong> byCache = new ConcurrentHashMap<>();
    Map<String, AtomicLong> bytesByCache = new ConcurrentHashMap<>();
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    Semaphore inFlight = new Semaphore(concurrency);
    long t0 = System.nanoTime();
    long first = requests.get(0).atMillis();
    int step = Math.max(1, requests.size() / 10);
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      for (int i = 0; i < requests.size(); i++) {
        Request r = requests.get(i);
        if (speed > 0) {
          long dueNanos = (long) ((r.atMillis() - first) / speed * 1_000_000);
          long wait = dueNanos - (System.nanoTime() - t0);
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
        inFlight.acquire();
        pool.submit(
            () -> {
              long s = System.nanoTime();
              try {
                HttpRequest.Builder get =
                    HttpRequest.newBuilder(URI.create(base + r.path()))
                        .timeout(Duration.ofSeconds(30));
                if (r.sessionId() != null) {
                  get.header("CMCD-Session", Cmcd.sessionHeader(r.sessionId()));
                }
                HttpResponse<InputStream> resp =
                    http.send(get.build(), HttpResponse.BodyHandlers.ofInputStream());
                long n;
                try (InputStream in = resp.body()) {
                  n = in.transferTo(java.io.OutputStream.nullOutputStream());
                }
                String cache = resp.headers().firstValue("X-Cache").orElse("NONE");
                byStatus
                    .computeIfAbsent(Integer.toString(resp.statusCode()), k -> new AtomicLong())
                    .incrementAndGet();
                byCache.computeIfAbsent(cache, k -> new AtomicLong()).incrementAndGet();
                bytesByCache.computeIfAbsent(cache, k -> new AtomicLong()).addAndGet(n);
              } catch (Exception e) {
                byStatus.computeIfAbsent("failed", k -> new AtomicLong()).incrementAndGet();
              } finally {
                latencies.add((System.nanoTime() - s) / 1000);
                inFlight.release();
              }
              return null;
            });
        if ((i + 1) % step == 0) {
          System.out.printf(
              Locale.ROOT,
              "      %3d%% sent (%d/%d) after %.1f s%n",
              100 * (i + 1) / requests.size(),
              i + 1,
              requests.size(),
              (System.nanoTime() - t0) / 1e9);
        }
      }
    } finally {
      pool.shutdown();
      pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
    }
    long hits = byCache.getOrDefault("HIT", new AtomicLong()).get();
    long total = byCache.values().stream().mapToLong(AtomicLong::get).sum();
    long hitBytes = bytesByCache.getOrDefault("HIT", new AtomicLong()).get();
    long allBytes = bytesByCache.values().stream().mapToLong(AtomicLong::get).sum();
    long[] lat = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.println("      status codes: " + new TreeMap<>(byStatus));
    System.out.println("      cache status: " + new TreeMap<>(byCache));
    System.out.printf(
        Locale.ROOT,
        "      hit ratio %.3f by requests, %.3f by bytes; latency p50 %.1f ms, p99 %.1f ms;"
            + " %.1f s%n",
        total == 0 ? 0 : (double) hits / total,
        allBytes == 0 ? 0 : (double) hitBytes / allBytes,
        lat.length == 0 ? 0 : lat[lat.length / 2] / 1000.0,
        lat.length == 0 ? 0 : lat[Math.min(lat.length - 1, lat.length * 99 / 100)] / 1000.0,
        (System.nanoTime() - t0) / 1e9);
    return byStatus.containsKey("failed") ? 1 : 0;
  }

  /**
   * The GETs of HLS objects in the file, in time order. Unreadable lines are counted, not fatal.
   */
  static List<Request> read(Path file) throws java.io.IOException {
    List<Request> out = new ArrayList<>();
    int skipped = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode n = Json.MAPPER.readTree(line);
          String path = n.path("path").asText("");
          String method = n.path("method").asText("GET");
          JsonNode at =
              n.has("requestTimeMillis") ? n.get("requestTimeMillis") : n.get("request_time_ms");
          if (at == null || !path.startsWith("/hls/") || !method.equals("GET")) {
            skipped++;
            continue;
          }
          JsonNode sid = n.has("sessionId") ? n.get("sessionId") : n.get("session_id");
          out.add(
              new Request(
                  at.asLong(),
                  path,
                  sid == null || sid.isNull() || sid.asText().isEmpty() ? null : sid.asText()));
        } catch (java.io.IOException e) {
          skipped++;
        }
      }
    }
    if (skipped > 0) {
      System.out.println("      skipped " + skipped + " lines that are not GETs of /hls/ objects");
    }
    out.sort(Comparator.comparingLong(Request::atMillis));
    return out;
  }
}
