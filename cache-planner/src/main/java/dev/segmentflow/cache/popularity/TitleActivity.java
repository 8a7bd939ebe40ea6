package dev.segmentflow.cache.popularity;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What one title in one region was served during one tick: the segments its title state needs (per
 * rendition: requests and which segments), first-segment requests and bytes. Sums and sets only, so
 * activities of the same title and tick from any split of the requests add up to the same thing:
 * {@link TitleActivityCombiner} builds them on the heap in front of the keyed state.
 *
 * <p>Public fields of arrays and a no-arg constructor keep it a Flink POJO with typed serializers
 * (no Kryo) on the way to the title state.
 */
public final class TitleActivity implements Serializable {
  private static final long serialVersionUID = 1L;

  public String region;
  public String assetId;
  public long tickMillis;
  public long firstSegments;
  public long bytes;

  /** Renditions, with their request counts and sorted distinct segments at the same index. */
  public String[] renditions;

  public long[] requests;
  public int[][] segments;

  public TitleActivity() {}

  /** One segment's requests in one tick. */
  public static TitleActivity ofSegment(
      String region,
      String assetId,
      String rendition,
      int segment,
      long tickMillis,
      long requests,
      long bytes) {
    TitleActivity a = new TitleActivity();
    a.region = region;
    a.assetId = assetId;
    a.tickMillis = tickMillis;
    a.firstSegments = segment == 0 ? requests : 0;
    a.bytes = bytes;
    a.renditions = new String[] {rendition};
    a.requests = new long[] {requests};
    a.segments = new int[][] {{segment}};
    return a;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TitleActivity a
        && region.equals(a.region)
        && assetId.equals(a.assetId)
        && tickMillis == a.tickMillis
        && firstSegments == a.firstSegments
        && bytes == a.bytes
        && Arrays.equals(renditions, a.renditions)
        && Arrays.equals(requests, a.requests)
        && Arrays.deepEquals(segments, a.segments);
  }

  @Override
  public int hashCode() {
    return (region.hashCode() * 31 + assetId.hashCode()) * 31 + Long.hashCode(tickMillis);
  }

  @Override
  public String toString() {
    StringBuilder s =
        new StringBuilder()
            .append(region)
            .append('/')
            .append(assetId)
            .append('@')
            .append(tickMillis)
            .append(" first=")
            .append(firstSegments)
            .append(" bytes=")
            .append(bytes);
    for (int i = 0; i < renditions.length; i++) {
      s.append(' ')
          .append(renditions[i])
          .append('=')
          .append(requests[i])
          .append(Arrays.toString(segments[i]));
    }
    return s.toString();
  }
}
