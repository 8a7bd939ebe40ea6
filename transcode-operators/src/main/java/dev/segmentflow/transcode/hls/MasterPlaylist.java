package dev.segmentflow.transcode.hls;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The master playlist of one asset and packaging: a variant per rendition with its peak (BANDWIDTH)
 * and average bitrate, size, codecs and frame rate, lowest bandwidth first.
 */
public final class MasterPlaylist {
  private MasterPlaylist() {}

  public static String render(Collection<MediaPlaylist.Summary> renditions) {
    return render(renditions, s -> HlsPaths.mediaPlaylistName(s.rendition(), s.packaging()));
  }

  /**
   * @param uri each variant's media playlist, relative to the master
   */
  public static String render(
      Collection<MediaPlaylist.Summary> renditions, Function<MediaPlaylist.Summary, String> uri) {
    List<MediaPlaylist.Summary> sorted = new ArrayList<>(renditions);
    sorted.sort(
        Comparator.comparingLong(MediaPlaylist.Summary::peakBitsPerSecond)
            .thenComparing(MediaPlaylist.Summary::rendition));
    boolean fmp4 =
        sorted.stream()
            .anyMatch(s -> s.packaging() == dev.segmentflow.schemas.events.Packaging.FMP4);
    StringBuilder b = new StringBuilder("#EXTM3U\n");
    b.append("#EXT-X-VERSION:").append(fmp4 ? 6 : 3).append('\n');
    b.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
    for (MediaPlaylist.Summary s : sorted) {
      b.append(
          String.format(
              Locale.ROOT,
              "#EXT-X-STREAM-INF:BANDWIDTH=%d,AVERAGE-BANDWIDTH=%d,RESOLUTION=%dx%d,CODECS=\"%s\",FRAME-RATE=%.3f\n",
              s.peakBitsPerSecond(),
              s.averageBitsPerSecond(),
              s.width(),
              s.height(),
              s.codecs(),
              s.frameRate()));
      b.append(uri.apply(s)).append('\n');
    }
    return b.toString();
  }
}
