package dev.segmentflow.schemas.events;

/**
 * One rendition of one source segment, written to the origin store, published on segments.rendered.
 * It carries what the playlist writers need (codecs, frame rate, init segment, live/last flags), so
 * playlists are built from this stream alone.
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
    String codecs,
    double frameRate,
    @Nullable String initUri,
    boolean live,
    boolean lastSegment,
    long sourceIngestedAtMillis,
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
