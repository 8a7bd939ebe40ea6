package dev.segmentflow.schemas;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The topic catalogue: every topic the system uses, with how it is partitioned, kept and keyed. */
public final class Topics {
  public static final String SEGMENTS_SOURCE = "segments.source";
  public static final String SEGMENTS_RENDERED = "segments.rendered";
  public static final String SEGMENTS_DLQ = "segments.dlq";
  public static final String VIEWER_EVENTS = "viewer.events";
  public static final String EDGE_REQUESTS = "edge.requests";
  public static final String CDN_DIRECTIVES = "cdn.directives";
  public static final String EVENTS_DLQ = "events.dlq";
  public static final String ASSET_CATALOGUE = "asset.catalogue";

  /** How one topic is laid out. A null retention means "forever" (compacted topics). */
  public record TopicSpec(
      String name, int partitions, Duration retention, String cleanupPolicy, String key) {
    public Map<String, String> configs() {
      return Map.of(
          "cleanup.policy",
          cleanupPolicy,
          "retention.ms",
          retention == null ? "-1" : Long.toString(retention.toMillis()));
    }
  }

  public static final List<TopicSpec> CATALOGUE =
      List.of(
          new TopicSpec(SEGMENTS_SOURCE, 4, Duration.ofDays(7), "delete", "assetId"),
          new TopicSpec(SEGMENTS_RENDERED, 4, Duration.ofDays(7), "delete", "assetId"),
          new TopicSpec(SEGMENTS_DLQ, 1, Duration.ofDays(30), "delete", "assetId"),
          new TopicSpec(VIEWER_EVENTS, 4, Duration.ofDays(3), "delete", "sessionId"),
          new TopicSpec(EDGE_REQUESTS, 4, Duration.ofDays(3), "delete", "assetId"),
          new TopicSpec(CDN_DIRECTIVES, 2, Duration.ofDays(1), "delete", "scope"),
          new TopicSpec(EVENTS_DLQ, 1, Duration.ofDays(30), "delete", "sourceTopic"),
          new TopicSpec(ASSET_CATALOGUE, 1, null, "compact", "assetId"));

  private Topics() {}

  public static TopicSpec spec(String name) {
    return CATALOGUE.stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not in the topic catalogue: " + name));
  }
}
