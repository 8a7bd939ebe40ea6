package dev.segmentflow.schemas.events;

/** A title in the catalogue, on asset.catalogue (compacted, keyed by asset). */
public record AssetCatalogueEntry(
    int schemaVersion,
    String assetId,
    String title,
    String genre,
    String creator,
    double durationSeconds,
    long publishedAtMillis,
    boolean live)
    implements Event {
  public static final int VERSION = 1;

  @Override
  public String id() {
    return assetId;
  }
}
