package dev.segmentflow.cache.policy;

/**
 * Sizes of segments that exist, as an edge learns them from media playlists: what a prefetch would
 * fetch. Used by the simulator to price prefetches of segments nobody has asked for yet.
 */
public interface SegmentCatalogue {
  /** Size in bytes, or -1 when the title has no such rendition or segment. */
  long sizeBytes(String assetId, String rendition, int segment);

  static String key(String assetId, String rendition, int segment) {
    return assetId + "/" + rendition + "/" + segment;
  }
}
