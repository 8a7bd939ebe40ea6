package dev.segmentflow.transcode.hls;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.events.Packaging;
import dev.segmentflow.transcode.store.OriginStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The archive of a live asset: every segment that ever entered its live playlists, kept in the
 * origin store after it left the sliding window, so a replay manifest can be built for any time
 * range. One JSON object per rendition x packaging x hundred sequences keeps each rewrite small; an
 * entry is keyed by its sequence, so a replayed segment replaces itself.
 */
public final class ArchiveIndex {
  static final int SEQUENCES_PER_CHUNK = 100;
  private static final TypeReference<List<PlaylistEntry>> ENTRIES = new TypeReference<>() {};

  private ArchiveIndex() {}

  /** Adds or replaces one entry; writes nothing when the archive already holds it as it is. */
  public static void record(OriginStore store, PlaylistEntry e) throws IOException {
    String key =
        HlsPaths.archiveChunk(
            e.assetId(), e.rendition(), e.packaging(), e.sequence() / SEQUENCES_PER_CHUNK);
    TreeMap<Integer, PlaylistEntry> chunk = new TreeMap<>();
    if (store.exists(key)) {
      for (PlaylistEntry old : parse(store.read(key))) {
        chunk.put(old.sequence(), old);
      }
    }
    if (e.equals(chunk.get(e.sequence()))) {
      return;
    }
    chunk.put(e.sequence(), e);
    store.put(key, Json.MAPPER.writeValueAsBytes(new ArrayList<>(chunk.values())));
  }

  /** The archived entries of one packaging of an asset, by rendition, each in sequence order. */
  public static Map<String, List<PlaylistEntry>> read(
      OriginStore store, String assetId, Packaging packaging) throws IOException {
    Map<String, TreeMap<Integer, PlaylistEntry>> byRendition = new TreeMap<>();
    for (String key : store.list(HlsPaths.archive(assetId))) {
      if (!key.endsWith(".json")) {
        continue;
      }
      for (PlaylistEntry e : parse(store.read(key))) {
        if (e.packaging() == packaging && e.assetId().equals(assetId)) {
          byRendition.computeIfAbsent(e.rendition(), r -> new TreeMap<>()).put(e.sequence(), e);
        }
      }
    }
    Map<String, List<PlaylistEntry>> out = new TreeMap<>();
    byRendition.forEach((r, m) -> out.put(r, new ArrayList<>(m.values())));
    return out;
  }

  static List<PlaylistEntry> parse(byte[] json) throws IOException {
    return Json.MAPPER.readValue(json, ENTRIES);
  }
}
