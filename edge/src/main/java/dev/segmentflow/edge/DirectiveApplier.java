package dev.segmentflow.edge;

import dev.segmentflow.schemas.events.Directive;
import dev.segmentflow.schemas.events.Packaging;
import dev.segmentflow.transcode.hls.HlsPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this edge does with a directive from the popularity job: only directives scoped to its
 * region or to itself, and only while they are valid. PREFETCH warms playlists and the listed
 * segments of the listed renditions (all the master names when it lists none); TTL sets how long
 * the asset's objects stay fresh, including those already cached; EVICT drops them.
 */
public final class DirectiveApplier {
  private record Ttl(Duration ttl, long validUntilMillis) {}

  private final String edgeId;
  private final String region;
  private final EdgeCache cache;
  private final Prefetcher prefetcher;
  private final Set<Packaging> packagings;
  private final int defaultSegments;
  private final Clock clock;
  private final EdgeMetrics metrics;
  private final Map<String, Ttl> ttls = new ConcurrentHashMap<>();

  public DirectiveApplier(
      String edgeId,
      String region,
      EdgeCache cache,
      Prefetcher prefetcher,
      Set<Packaging> packagings,
      int defaultSegments,
      Clock clock,
      EdgeMetrics metrics) {
    this.edgeId = edgeId;
    this.region = region;
    this.cache = cache;
    this.prefetcher = prefetcher;
    this.packagings = packagings;
    this.defaultSegments = defaultSegments;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * @return whether the directive was for this edge and applied
   */
  public boolean apply(Directive d) {
    boolean mine =
        (d.scopeType() == Directive.ScopeType.REGION && d.scope().equals(region))
            || (d.scopeType() == Directive.ScopeType.EDGE && d.scope().equals(edgeId));
    if (!mine || !HlsPaths.safeName(d.assetId())) {
      metrics.inc("edge_directives_total{kind=\"" + d.kind() + "\",applied=\"false\"}");
      return false;
    }
    if (clock.millis() >= d.validUntilMillis()) {
      metrics.inc("edge_directives_total{kind=\"" + d.kind() + "\",applied=\"expired\"}");
      return false;
    }
    switch (d.kind()) {
      case TTL -> {
        if (d.ttlSeconds() != null && d.ttlSeconds() > 0) {
          ttls.put(d.assetId(), new Ttl(Duration.ofSeconds(d.ttlSeconds()), d.validUntilMillis()));
        }
      }
      case EVICT -> {
        String prefix = d.assetId() + "/";
        List<String> renditions = d.renditions() == null ? List.of() : d.renditions();
        int n =
            cache.evict(
                k ->
                    k.startsWith(prefix)
                        && (renditions.isEmpty()
                            || renditions.stream().anyMatch(r -> k.startsWith(prefix + r + "/"))));
        metrics.inc("edge_evicted_by_directive_total", n);
      }
      case PREFETCH -> prefetcher.submit(prefetchList(d));
    }
    metrics.inc("edge_directives_total{kind=\"" + d.kind() + "\",applied=\"true\"}");
    return true;
  }

  /** The asset's TTL from a directive still valid, or null. */
  public Duration ttl(String assetId) {
    Ttl t = ttls.get(assetId);
    if (t == null) {
      return null;
    }
    if (clock.millis() >= t.validUntilMillis()) {
      ttls.remove(assetId, t);
      return null;
    }
    return t.ttl();
  }

  List<HlsObject> prefetchList(Directive d) {
    String asset = d.assetId();
    List<HlsObject> out = new ArrayList<>();
    List<String> renditions = new ArrayList<>();
    if (d.renditions() != null) {
      d.renditions().stream().filter(HlsPaths::safeName).forEach(renditions::add);
    }
    boolean learn = renditions.isEmpty();
    for (Packaging p : packagings) {
      HlsObject master = object(HlsPaths.master(asset, p));
      if (learn) {
        // the master names the renditions; fetch it now (it is small) to learn them
        try {
          for (String line :
              new String(cache.get(master).entry().body(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#") && line.contains("/")) {
              String r = line.substring(0, line.indexOf('/'));
              if (HlsPaths.safeName(r) && !renditions.contains(r)) {
                renditions.add(r);
              }
            }
          }
        } catch (IOException e) {
          metrics.inc("edge_prefetch_missing_total");
          continue;
        }
      } else {
        out.add(master);
      }
    }
    int from = d.segmentFrom() == null ? 0 : Math.max(0, d.segmentFrom());
    int to = d.segmentTo() == null ? from + defaultSegments - 1 : d.segmentTo();
    to = Math.min(to, from + 1000); // a directive cannot make the edge fetch a whole library
    for (String r : renditions) {
      for (Packaging p : packagings) {
        out.add(object(HlsPaths.mediaPlaylist(asset, r, p)));
        if (p == Packaging.FMP4) {
          out.add(object(HlsPaths.init(asset, r)));
        }
        for (int seq = from; seq <= to; seq++) {
          out.add(object(HlsPaths.segment(asset, r, seq, p)));
        }
      }
    }
    return out;
  }

  private static HlsObject object(String key) {
    return HlsObject.parse(HlsObject.PREFIX + key)
        .object()
        .orElseThrow(() -> new IllegalStateException("not servable: " + key));
  }
}
