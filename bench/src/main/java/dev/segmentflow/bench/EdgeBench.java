package dev.segmentflow.bench;

import dev.segmentflow.edge.EdgeConfig;
import dev.segmentflow.edge.EdgeServer;
import dev.segmentflow.localservices.ChildProcess;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.localservices.Ports;
import dev.segmentflow.schemas.kafka.TopicCreator;
import dev.segmentflow.transcode.encode.VodPackager;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.ingest.SampleMedia;
import dev.segmentflow.transcode.store.OriginStore;
import java.io.IOException;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Requests per second and p99 latency of the edge against nginx (Debian's) serving the same HLS
 * files, both loaded by wrk in the same run with the same URL mix (every master, media playlist,
 * init segment and segment of a packaged asset, in turn). The edge runs as it does in production:
 * cache in memory, every request logged to a real Kafka broker. nginx serves the files from disk
 * with sendfile and writes its access log to a file. The rounds alternate so that neither server
 * gets a quieter machine. Then a herd check on a cold edge: 100 concurrent misses for one segment
 * must make exactly one origin fetch. The last line is {@code ratio=<edge req/s / nginx req/s>
 * p99_ratio=<edge p99 / nginx p99>}.
 */
public final class EdgeBench {
  private EdgeBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path dir = Files.createTempDirectory("edge-bench");
    Path origin = dir.resolve("origin");

    progress("[1/5] packaging a 60 s clip (3 rungs, TS and fMP4, 4 s segments) into %s", origin);
    FfmpegTools tools = FfmpegTools.bundled();
    Path clip = SampleMedia.synthetic(dir.resolve("clip.mp4"), 60, 1280, 720, 24, true);
    try (OriginStore store = OriginStore.open(OriginStore.Config.local(origin))) {
      VodPackager.quick(tools, List.of("720p", "480p", "240p"), store)
          .packageFile(clip, "bench1", 4, dir.resolve("work"), s -> {});
    }
    List<String> paths = servablePaths(origin);
    Path pathsFile = dir.resolve("paths.txt");
    Files.write(pathsFile, paths);
    Path script = dir.resolve("paths.lua");
    Files.writeString(script, WRK_SCRIPT);
    long bytes = 0;
    for (String p : paths) {
      bytes += Files.size(origin.resolve(p.substring("/hls/".length())));
    }
    progress("      %d objects, %.1f MB in all", paths.size(), bytes / 1e6);

    progress("[2/5] starting Kafka (the edge's access log), nginx and the edge");
    try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"));
        Nginx nginx = Nginx.start(dir.resolve("nginx"), origin)) {
      TopicCreator.ensure(kafka.bootstrapServers(), EdgeServer.topics(), (short) 1);
      Map<String, String> settings = new HashMap<>();
      settings.put("port", "0");
      settings.put("edge-id", "edge-bench");
      settings.put("origin", origin.toUri().toString());
      settings.put("bootstrap-servers", kafka.bootstrapServers());
      settings.put("spool-dir", dir.resolve("spool").toString());
      settings.put("cache-bytes", String.valueOf(Math.max(bytes * 2, 64L << 20)));

      try (EdgeServer edge = new EdgeServer(EdgeConfig.of(settings), Clock.systemUTC()).start()) {
        String edgeBase = "http://127.0.0.1:" + edge.port();
        String nginxBase = "http://127.0.0.1:" + nginx.port();
        checkSameBytes(paths, edgeBase, nginxBase);

        progress(
            "[3/5] warming both (JIT, page cache, edge cache): wrk -c%d for 5 s each", connections);
        wrk(nginxBase, connections, 5, script, pathsFile);
        wrk(edgeBase, connections, 5, script, pathsFile);

        progress(
            "[4/5] %d alternating rounds of wrk -t2 -c%d -d%ds --latency",
            rounds, connections, seconds);
        double[] sum = new double[2];
        double[] p99 = new double[2];
        try (CpuProfile profile = CpuProfile.start()) {
          for (int r = 1; r <= rounds; r++) {
            Wrk n = wrk(nginxBase, connections, seconds, script, pathsFile);
            Wrk e = wrk(edgeBase, connections, seconds, script, pathsFile);
            progress(
                "      round %d/%d: nginx %,.0f req/s p99 %.2f ms (%.0f MB/s) | edge %,.0f req/s p99"
                    + " %.2f ms (%.0f MB/s)",
                r, rounds, n.rps, n.p99Ms, n.mbps, e.rps, e.p99Ms, e.mbps);
            sum[0] += n.rps;
            sum[1] += e.rps;
            p99[0] += n.p99Ms;
            p99[1] += e.p99Ms;
          }
        }
        System.out.printf(
            Locale.ROOT,
            "| server | req/s | p99 ms |%n|--------|-------|--------|%n| nginx | %.0f | %.2f |%n"
                + "| edge | %.0f | %.2f |%n",
            sum[0] / rounds,
            p99[0] / rounds,
            sum[1] / rounds,
            p99[1] / rounds);

        progress("[5/5] herd: 100 concurrent misses for one segment on a cold edge");
        settings.put("edge-id", "edge-herd");
        settings.put("spool-dir", dir.resolve("spool-herd").toString());
        try (EdgeServer cold = new EdgeServer(EdgeConfig.of(settings), Clock.systemUTC()).start()) {
          String segment = paths.stream().filter(p -> p.endsWith(".ts")).findFirst().orElseThrow();
          long fetches = herd("http://127.0.0.1:" + cold.port() + segment, 100, cold);
          System.out.printf(
              Locale.ROOT,
              "herd: 100 concurrent misses for %s -> %d origin fetch%n",
              segment,
              fetches);
          if (fetches != 1) {
            throw new IllegalStateException("single flight broken: " + fetches + " origin fetches");
          }
        }
        System.out.printf(
            Locale.ROOT, "ratio=%.3f p99_ratio=%.3f%n", sum[1] / sum[0], p99[1] / p99[0]);
      }
    }
  }

  /** Every object a player may ask for, as /hls/ paths: masters, playlists, init, segments. */
  static List<String> servablePaths(Path origin) throws IOException {
    try (Stream<Path> files = Files.walk(origin)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> origin.relativize(p).toString().replace('\\', '/'))
          .filter(p -> p.matches(".*\\.(m3u8|ts|m4s)$") || p.endsWith("/init.mp4"))
          .filter(p -> !p.contains("/source/") && !p.contains("/archive/"))
          .sorted()
          .map(p -> "/hls/" + p)
          .toList();
    }
  }

  /** The comparison is only fair if both serve the same bytes: check every object once. */
  private static void checkSameBytes(List<String> paths, String edgeBase, String nginxBase)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    for (String p : paths) {
      byte[] a = http.send(get(edgeBase + p), HttpResponse.BodyHandlers.ofByteArray()).body();
      byte[] b = http.send(get(nginxBase + p), HttpResponse.BodyHandlers.ofByteArray()).body();
      if (!java.util.Arrays.equals(a, b)) {
        throw new IllegalStateException("edge and nginx differ on " + p);
      }
    }
  }

  private static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).build();
  }

  private static long herd(String url, int n, EdgeServer edge) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long before = edge.metrics().originFetches();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      answers.add(
          pool.submit(
              () -> {
                go.await();
                return http.send(get(url), HttpResponse.BodyHandlers.discarding()).statusCode();
              }));
    }
    go.countDown();
    for (Future<Integer> f : answers) {
      if (f.get() != 200) {
        throw new IllegalStateException("herd request answered " + f.get());
      }
    }
    pool.shutdown();
    return edge.metrics().originFetches() - before;
  }

  record Wrk(double rps, double p99Ms, double mbps) {}

  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern P99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)");
  private static final Pattern TRANSFER = Pattern.compile("Transfer/sec:\\s+([0-9.]+)([KMG]?B)");
  private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

  private static Wrk wrk(String base, int connections, int seconds, Path script, Path paths)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "wrk",
                "-t2",
                "-c" + connections,
                "-d" + seconds + "s",
                "--latency",
                "-s",
                script.toString(),
                base,
                "--",
                paths.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("wrk failed:\n" + out);
    }
    Matcher errors = ERRORS.matcher(out);
    if (errors.find() || out.contains("Socket errors")) {
      throw new IllegalStateException("wrk saw failed requests against " + base + ":\n" + out);
    }
    Matcher rps = RPS.matcher(out);
    Matcher p99 = P99.matcher(out);
    Matcher transfer = TRANSFER.matcher(out);
    if (!rps.find() || !p99.find() || !transfer.find()) {
      throw new IllegalStateException("unexpected wrk output:\n" + out);
    }
    double latency = Double.parseDouble(p99.group(1));
    latency *=
        switch (p99.group(2)) {
          case "us" -> 0.001;
          case "s" -> 1000;
          default -> 1;
        };
    double rate = Double.parseDouble(transfer.group(1));
    rate *=
        switch (transfer.group(2)) {
          case "GB" -> 1024;
          case "KB" -> 1.0 / 1024;
          case "B" -> 1.0 / (1024 * 1024);
          default -> 1;
        };
    return new Wrk(Double.parseDouble(rps.group(1)), latency, rate);
  }

  /** Each wrk thread walks the whole list from its own offset, so both threads mix object kinds. */
  private static final String WRK_SCRIPT =
      """
      local paths = {}
      local i = 0
      function init(args)
        for line in io.lines(args[1]) do paths[#paths + 1] = line end
        i = math.random(#paths)
      end
      function request()
        i = i % #paths + 1
        return wrk.format("GET", paths[i])
      end
      """;

  /** Debian's nginx on a free loopback port, serving the origin directory under /hls/. */
  static final class Nginx implements AutoCloseable {
    private final ChildProcess process;
    private final int port;

    private Nginx(ChildProcess process, int port) {
      this.process = process;
      this.port = port;
    }

    static Nginx start(Path dir, Path origin) throws IOException {
      Files.createDirectories(dir);
      int port = Ports.free();
      boolean root = "root".equals(System.getProperty("user.name"));
      String conf =
          String.format(
              Locale.ROOT,
              """
              %s
              worker_processes auto;
              pid %s/nginx.pid;
              error_log %s/error.log warn;
              events { worker_connections 4096; }
              http {
                types {
                  application/vnd.apple.mpegurl m3u8;
                  video/mp2t ts;
                  video/mp4 mp4 m4s;
                }
                access_log %s/access.log combined buffer=64k flush=1s;
                open_file_cache max=1000 inactive=60s;
                sendfile on;
                tcp_nopush on;
                keepalive_requests 1000000;
                client_body_temp_path %s/body;
                proxy_temp_path %s/proxy;
                fastcgi_temp_path %s/fastcgi;
                uwsgi_temp_path %s/uwsgi;
                scgi_temp_path %s/scgi;
                server {
                  listen 127.0.0.1:%d;
                  location /hls/ {
                    alias %s/;
                    add_header Access-Control-Allow-Origin *;
                  }
                }
              }
              """,
              root ? "user root;" : "",
              dir,
              dir,
              dir,
              dir,
              dir,
              dir,
              dir,
              dir,
              port,
              origin.toAbsolutePath());
      Path file = dir.resolve("nginx.conf");
      Files.writeString(file, conf);
      ChildProcess p =
          ChildProcess.start(
              "nginx",
              List.of("nginx", "-p", dir.toString(), "-c", file.toString(), "-g", "daemon off;"),
              dir,
              dir.resolve("nginx.out"));
      p.awaitReady(() -> Ports.listening(port), Duration.ofSeconds(20));
      return new Nginx(p, port);
    }

    int port() {
      return port;
    }

    @Override
    public void close() {
      process.close();
    }
  }

  private static void progress(String format, Object... args) {
    System.err.printf(Locale.ROOT, format + "%n", args);
  }
}
