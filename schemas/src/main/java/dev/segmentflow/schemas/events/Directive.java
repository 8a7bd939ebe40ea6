package dev.segmentflow.schemas.events;

import java.util.List;

/** An instruction to the CDN on cdn.directives: warm these segments, keep this long, or drop. */
public record Directive(
    int schemaVersion,
    String directiveId,
    Kind kind,
    ScopeType scopeType,
    String scope,
    String assetId,
    List<String> renditions,
    @Nullable Integer segmentFrom,
    @Nullable Integer segmentTo,
    @Nullable Long ttlSeconds,
    Temperature temperature,
    double score,
    String reason,
    long issuedAtMillis,
    long validUntilMillis)
    implements Event {
  public static final int VERSION = 1;

  /** What the CDN should do. */
  public enum Kind {
    PREFETCH,
    TTL,
    EVICT
  }

  /** Whether {@code scope} names a region or a single edge. */
  public enum ScopeType {
    REGION,
    EDGE
  }

  /** Popularity class of the asset in that scope. */
  public enum Temperature {
    HOT,
    WARM,
    COLD
  }

  @Override
  public String id() {
    return directiveId;
  }
}
