package dev.segmentflow.schemas.events;

/** A keyframe-aligned piece of a source video in the origin store, published on segments.source. */
public record SourceSegment(
    int schemaVersion,
    String segmentId,
    String assetId,
    int sequence,
    String uri,
    double startSeconds,
    double durationSeconds,
    boolean live,
    boolean lastSegment,
    int width,
    int height,
    double frameRate,
    boolean hasAudio,
    @Nullable Long sourceBitrateKbps,
    String videoCodec,
    long ingestedAtMillis)
    implements Event {
  public static final int VERSION = 1;

  public static String idFor(String assetId, int sequence) {
    return Ids.of("source", assetId, sequence);
  }

  @Override
  public String id() {
    return segmentId;
  }
}
