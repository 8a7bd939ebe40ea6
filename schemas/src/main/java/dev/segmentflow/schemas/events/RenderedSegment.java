package dev.segmentflow.schemas.events;

/**
 * One rendition of one source segment, written to the origin store, published on segments.rendered.
 */
public record RenderedSegment(
    int schemaVersion,
    String renderedId,
    String assetId,
    String rendition,
    int sequence,
    Packaging packaging,
    String uri,
    int width,
    int height,
    long bitrateKbps,
    double durationSeconds,
    long bytes,
    String encoder,
    long encodeMillis,
    @Nullable Double psnr,
    @Nullable Double ssim,
    long renderedAtMillis)
    implements Event {
  public static final int VERSION = 1;

  public static String idFor(String assetId, String rendition, int sequence, Packaging packaging) {
    return Ids.of("rendered", assetId, rendition, sequence, packaging);
  }

  @Override
  public String id() {
    return renderedId;
  }
}
