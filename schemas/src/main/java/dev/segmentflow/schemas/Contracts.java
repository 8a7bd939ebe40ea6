package dev.segmentflow.schemas;

import dev.segmentflow.schemas.events.AssetCatalogueEntry;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.Directive;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.RenderedSegment;
import dev.segmentflow.schemas.events.SourceSegment;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.validation.JsonSchemaRules;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Which record, JSON Schema file and topic belong together. */
public record Contracts(Class<?> recordType, String schemaResource, String topic) {
  public static final List<Contracts> ALL =
      List.of(
          new Contracts(SourceSegment.class, "source-segment", Topics.SEGMENTS_SOURCE),
          new Contracts(RenderedSegment.class, "rendered-segment", Topics.SEGMENTS_RENDERED),
          new Contracts(ViewerEvent.class, "viewer-event", Topics.VIEWER_EVENTS),
          new Contracts(EdgeRequest.class, "edge-request", Topics.EDGE_REQUESTS),
          new Contracts(Directive.class, "directive", Topics.CDN_DIRECTIVES),
          new Contracts(DeadLetter.class, "dead-letter", Topics.EVENTS_DLQ),
          new Contracts(
              AssetCatalogueEntry.class, "asset-catalogue-entry", Topics.ASSET_CATALOGUE));

  private static final Map<Class<?>, JsonSchemaRules> RULES = new ConcurrentHashMap<>();

  public static Contracts of(Class<?> recordType) {
    return ALL.stream()
        .filter(c -> c.recordType.equals(recordType))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no contract for " + recordType));
  }

  /** Classpath location of the JSON Schema file. */
  public String schemaPath() {
    return "/json-schema/" + schemaResource + ".schema.json";
  }

  public JsonSchemaRules rules() {
    return RULES.computeIfAbsent(recordType, t -> JsonSchemaRules.load(schemaPath(), Json.MAPPER));
  }
}
