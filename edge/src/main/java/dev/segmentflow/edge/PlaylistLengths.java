package dev.segmentflow.edge;

import dev.segmentflow.cache.policy.NextUseModel;
import dev.segmentflow.schemas.events.EdgeRequest.ObjectType;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many segments each title has in each rendition, learnt from the media playlists the edge
 * serves: what the planner needs to place a segment on a title's reach curve. Bounded by the titles
 * and renditions the origin holds.
 */
final class PlaylistLengths implements NextUseModel.TitleLengths {
  private final Map<String, Integer> segments = new ConcurrentHashMap<>();

  /**
   * Counts the URI lines of a media playlist being served, when it came from the origin or the
   * title is not known yet: hits of a known playlist (live players poll theirs every few seconds)
   * are not read again.
   */
  void learn(HlsObject o, byte[] body, boolean fromOrigin) {
    if (o.type() != ObjectType.MEDIA_PLAYLIST || o.rendition() == null) {
      return;
    }
    if (!fromOrigin && segments(o.assetId(), o.rendition()) >= 0) {
      return;
    }
    int n = 0;
    for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        n++;
      }
    }
    if (n > 0) {
      segments.merge(o.assetId() + "/" + o.rendition(), n, Math::max);
    }
  }

  @Override
  public int segments(String assetId, String rendition) {
    return segments.getOrDefault(assetId + "/" + rendition, -1);
  }

  int titles() {
    return segments.size();
  }
}
