package dev.segmentflow.cache.policy;

/**
 * Sizes of segments that exist, as an edge learns them from media playlists: what a prefetch would
 * fetch. Used by the simulator to price prefetches of segments nobody has asked for yet.
 */
public interface SegmentCatalogue {
  /** Size in bytes, or -1 when the title has no such rendition or segment. */
  long sizeBytes(String assetId, String rendition, int segment);

  /** How many segments the title has in that rendition (-1 when none): a search over sizes. */
  default int segments(String assetId, String rendition) {
    if (sizeBytes(assetId, rendition, 0) < 0) {
      return -1;
    }
    int known = 0; // exists
    int beyond = 1;
    while (sizeBytes(assetId, rendition, beyond) >= 0) {
      known = beyond;
      if (beyond > (1 << 24)) {
        return beyond;
      }
      beyond *= 2;
    }
    while (beyond - known > 1) {
      int mid = (known + beyond) >>> 1;
      if (sizeBytes(assetId, rendition, mid) >= 0) {
        known = mid;
      } else {
        beyond = mid;
      }
    }
    return known + 1;
  }

  static String key(String assetId, String rendition, int segment) {
    return assetId + "/" + rendition + "/" + segment;
  }
}
