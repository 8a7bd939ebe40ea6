package dev.segmentflow.cache.policy;

/**
 * What a request is, for a policy that plans with it: which segment of which title in which
 * rendition, for which session (CMCD {@code sid} at the edge; null without one), when, and whether
 * it is a prefetch rather than a viewer's request. Policies that plan with keys alone ignore it.
 */
public record ObjectRef(
    String assetId,
    String rendition,
    int segment,
    String sessionId,
    long timeMillis,
    boolean prefetch) {

  /** Whether it names a media segment; playlists and foreign keys do not. */
  public boolean isSegment() {
    return assetId != null && rendition != null && segment >= 0;
  }
}
