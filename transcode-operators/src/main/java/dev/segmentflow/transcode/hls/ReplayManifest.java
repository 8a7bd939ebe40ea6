package dev.segmentflow.transcode.hls;

import dev.segmentflow.schemas.events.Packaging;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A VOD playlist set for a wall-clock range of a live asset, built from its archive: each rendition
 * gets the segments whose capture overlaps [from, to), holes inside the range become
 * discontinuities, and a master lists the renditions. The playlists sit beside the archived
 * segments and point at them, so nothing is copied.
 */
public final class ReplayManifest {
  /** What to write (store key to playlist text) and what it covers. */
  public record Replay(
      String name,
      String masterKey,
      Map<String, String> playlists,
      int renditions,
      int segments,
      double seconds,
      Instant firstCaptured) {}

  private ReplayManifest() {}

  /**
   * @param archive the asset's archived entries of one packaging, by rendition
   * @throws IllegalArgumentException when the range is empty or holds no archived segment
   */
  public static Replay build(
      String assetId,
      Map<String, List<PlaylistEntry>> archive,
      Packaging packaging,
      Instant from,
      Instant to) {
    if (!to.isAfter(from)) {
      throw new IllegalArgumentException("replay range is empty: " + from + " .. " + to);
    }
    String name = HlsPaths.replayName(from.getEpochSecond(), to.getEpochSecond());
    Map<String, String> playlists = new LinkedHashMap<>();
    List<MediaPlaylist.Summary> summaries = new ArrayList<>();
    int segments = 0;
    double seconds = 0;
    Instant first = null;
    for (var rendition : archive.entrySet()) {
      List<PlaylistEntry> picked = pick(rendition.getValue(), from, to);
      if (picked.isEmpty()) {
        continue;
      }
      MediaPlaylist.Rendered r = MediaPlaylist.render(picked, 0, picked.get(0).sequence());
      if (r.text().isEmpty()) {
        continue;
      }
      playlists.put(
          HlsPaths.replayMediaPlaylist(assetId, rendition.getKey(), name, packaging), r.text());
      summaries.add(r.summary());
      if (segments == 0) {
        segments = r.summary().segments();
        for (PlaylistEntry e : picked) {
          seconds += e.failed() ? 0 : e.durationSeconds();
          if (first == null && !e.failed()) {
            first = Instant.ofEpochMilli(e.capturedAtMillis());
          }
        }
      }
    }
    if (summaries.isEmpty()) {
      throw new IllegalArgumentException(
          "no archived live segment of " + assetId + " was captured in " + from + " .. " + to);
    }
    String masterKey = HlsPaths.replayMaster(assetId, name, packaging);
    playlists.put(
        masterKey,
        MasterPlaylist.render(
            summaries, s -> HlsPaths.replayMediaPlaylistName(s.rendition(), name, s.packaging())));
    return new Replay(name, masterKey, playlists, summaries.size(), segments, seconds, first);
  }

  /**
   * The entries from the first to the last whose capture overlaps the range, as a finished playlist
   * shows them; sequences missing from the archive in between become holes.
   */
  static List<PlaylistEntry> pick(List<PlaylistEntry> entries, Instant from, Instant to) {
    long lo = from.toEpochMilli();
    long hi = to.toEpochMilli();
    Map<Integer, PlaylistEntry> bySeq = new LinkedHashMap<>();
    int firstSeq = -1;
    int lastSeq = -1;
    for (PlaylistEntry e : entries) {
      bySeq.put(e.sequence(), e);
      if (e.failed() || e.capturedAtMillis() <= 0) {
        continue;
      }
      long start = e.capturedAtMillis();
      long end = start + Math.round(e.durationSeconds() * 1000);
      if (start < hi && end > lo) {
        firstSeq = firstSeq < 0 ? e.sequence() : Math.min(firstSeq, e.sequence());
        lastSeq = Math.max(lastSeq, e.sequence());
      }
    }
    List<PlaylistEntry> picked = new ArrayList<>();
    if (firstSeq < 0) {
      return picked;
    }
    PlaylistEntry model = bySeq.get(firstSeq);
    for (int seq = firstSeq; seq <= lastSeq; seq++) {
      PlaylistEntry e = bySeq.get(seq);
      if (e == null) {
        e =
            PlaylistEntry.failed(
                model.assetId(), model.rendition(), model.packaging(), seq, false, false, 0);
      }
      picked.add(e.asVod(seq == lastSeq));
    }
    return picked;
  }
}
