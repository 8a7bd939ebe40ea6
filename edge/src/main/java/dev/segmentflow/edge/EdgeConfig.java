package dev.segmentflow.edge;

import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.events.Packaging;
import dev.segmentflow.transcode.store.OriginStore;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The edge's settings: a properties file ({@code --config edge.properties}) with flags of the same
 * names ({@code --port 8080}) taking precedence. Unknown names are refused, so a typo is not
 * silently ignored.
 */
public record EdgeConfig(
    int port,
    String edgeId,
    String region,
    String publicUrl,
    OriginStore.Config origin,
    long cacheBytes,
    String cachePolicy,
    String bootstrapServers,
    String requestsTopic,
    String viewerTopic,
    String dlqTopic,
    String directivesTopic,
    boolean directivesFromEarliest,
    Path spoolDir,
    byte[] signingSecret,
    boolean bindTokenToIp,
    int prefetchConcurrency,
    long prefetchBytesPerSecond,
    int prefetchDefaultSegments,
    Set<Packaging> prefetchPackagings,
    Freshness.Rules freshness,
    List<ContentSteering.Pathway> pathways,
    long steeringTtlSeconds,
    Duration peerProbeInterval,
    int maxInFlight,
    Duration shutdownGrace) {

  static final Map<String, String> DEFAULTS = defaults();

  private static Map<String, String> defaults() {
    Map<String, String> d = new TreeMap<>();
    d.put("port", "8080");
    d.put("edge-id", "edge-1");
    d.put("region", "eu");
    d.put("public-url", "");
    d.put("origin", "file://" + Path.of(".segmentflow/origin").toAbsolutePath());
    d.put("s3-endpoint", "");
    d.put("s3-access-key", "");
    d.put("s3-secret-key", "");
    d.put("cache-bytes", String.valueOf(512L << 20));
    d.put("cache-policy", "planner");
    d.put("bootstrap-servers", "");
    d.put("requests-topic", Topics.EDGE_REQUESTS);
    d.put("viewer-topic", Topics.VIEWER_EVENTS);
    d.put("dlq-topic", Topics.EVENTS_DLQ);
    d.put("directives-topic", Topics.CDN_DIRECTIVES);
    d.put("directives-from-earliest", "false");
    d.put("spool-dir", ".segmentflow/edge-spool");
    d.put("signing-secret", "");
    d.put("bind-token-to-ip", "false");
    d.put("prefetch-concurrency", "4");
    d.put("prefetch-bytes-per-second", String.valueOf(50L << 20));
    d.put("prefetch-default-segments", "5");
    d.put("prefetch-packagings", "ts,fmp4");
    d.put("segment-max-age-seconds", String.valueOf(Duration.ofDays(365).toSeconds()));
    d.put("vod-playlist-max-age-seconds", String.valueOf(Duration.ofDays(1).toSeconds()));
    d.put("master-max-age-seconds", "30");
    d.put("pathways", "");
    d.put("steering-ttl-seconds", "300");
    d.put("peer-probe-seconds", "5");
    d.put("max-in-flight", "512");
    d.put("shutdown-grace-seconds", "5");
    return d;
  }

  /** {@code --config FILE} and {@code --name value} pairs; flags override the file. */
  public static EdgeConfig fromArgs(String... args) throws IOException {
    Map<String, String> given = new TreeMap<>();
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got '" + a + "'");
      }
      String name = a.substring(2);
      String value = args[++i];
      if (name.equals("config")) {
        file = Path.of(value);
      } else {
        given.put(name, value);
      }
    }
    Map<String, String> all = new TreeMap<>();
    if (file != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      }
      p.forEach((k, v) -> all.put(k.toString(), v.toString().strip()));
    }
    all.putAll(given);
    return of(all);
  }

  public static EdgeConfig of(Map<String, String> settings) {
    for (String k : settings.keySet()) {
      if (!DEFAULTS.containsKey(k)) {
        throw new IllegalArgumentException(
            "unknown setting '" + k + "'; known: " + DEFAULTS.keySet());
      }
    }
    Map<String, String> s = new TreeMap<>(DEFAULTS);
    s.putAll(settings);
    String origin = s.get("origin");
    OriginStore.Config store =
        origin.startsWith("s3a://")
            ? OriginStore.Config.s3(
                origin, s.get("s3-endpoint"), s.get("s3-access-key"), s.get("s3-secret-key"))
            : new OriginStore.Config(origin, Map.of());
    String secret = s.get("signing-secret");
    int port = Integer.parseInt(s.get("port"));
    String publicUrl =
        s.get("public-url").isEmpty() ? "http://localhost:" + port : s.get("public-url");
    Set<Packaging> packagings = EnumSet.noneOf(Packaging.class);
    for (String p : s.get("prefetch-packagings").split(",")) {
      if (!p.isBlank()) {
        packagings.add(Packaging.valueOf(p.strip().toUpperCase(java.util.Locale.ROOT)));
      }
    }
    if (s.get("bootstrap-servers").isBlank()) {
      throw new IllegalArgumentException(
          "bootstrap-servers is required: every request is reported to Kafka (spooled while it is down)");
    }
    return new EdgeConfig(
        port,
        s.get("edge-id"),
        s.get("region"),
        publicUrl,
        store,
        Long.parseLong(s.get("cache-bytes")),
        s.get("cache-policy"),
        s.get("bootstrap-servers"),
        s.get("requests-topic"),
        s.get("viewer-topic"),
        s.get("dlq-topic"),
        s.get("directives-topic"),
        Boolean.parseBoolean(s.get("directives-from-earliest")),
        Path.of(s.get("spool-dir")),
        secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8),
        Boolean.parseBoolean(s.get("bind-token-to-ip")),
        Integer.parseInt(s.get("prefetch-concurrency")),
        Long.parseLong(s.get("prefetch-bytes-per-second")),
        Integer.parseInt(s.get("prefetch-default-segments")),
        packagings,
        new Freshness.Rules(
            Duration.ofSeconds(Long.parseLong(s.get("segment-max-age-seconds"))),
            Duration.ofSeconds(Long.parseLong(s.get("vod-playlist-max-age-seconds"))),
            Duration.ofSeconds(Long.parseLong(s.get("master-max-age-seconds")))),
        pathways(s.get("pathways")),
        Long.parseLong(s.get("steering-ttl-seconds")),
        Duration.ofSeconds(Long.parseLong(s.get("peer-probe-seconds"))),
        Integer.parseInt(s.get("max-in-flight")),
        Duration.ofSeconds(Long.parseLong(s.get("shutdown-grace-seconds"))));
  }

  /**
   * {@code id=url;region;latencyMs, ...}, e.g. {@code eu-1=http://eu1:8080;eu;10}. The edge itself
   * is the pathway whose id is its edge id.
   */
  static List<ContentSteering.Pathway> pathways(String spec) {
    List<ContentSteering.Pathway> out = new ArrayList<>();
    for (String item : spec.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      String[] idRest = item.strip().split("=", 2);
      String[] parts = idRest.length == 2 ? idRest[1].split(";") : new String[0];
      if (parts.length != 3 || !idRest[0].matches("[A-Za-z0-9._-]{1,64}")) {
        throw new IllegalArgumentException("pathway must be id=url;region;latencyMs: " + item);
      }
      String url = parts[0].endsWith("/") ? parts[0].substring(0, parts[0].length() - 1) : parts[0];
      if (!url.matches("https?://[A-Za-z0-9.:\\[\\]-]+")) {
        throw new IllegalArgumentException("pathway URL must be http(s)://host[:port]: " + url);
      }
      out.add(new ContentSteering.Pathway(idRest[0], url, parts[1], Double.parseDouble(parts[2])));
    }
    return out;
  }
}
