package dev.segmentflow.transcode.flink;

import dev.segmentflow.transcode.hls.ArchiveIndex;
import dev.segmentflow.transcode.hls.HlsPaths;
import dev.segmentflow.transcode.hls.MediaPlaylist;
import dev.segmentflow.transcode.hls.PlaylistEntry;
import dev.segmentflow.transcode.store.OriginStore;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by asset x rendition x packaging: keeps the segments seen (by sequence, so a replayed
 * segment replaces itself) and rewrites the media playlist whenever what it would publish changes.
 * Emits the playlist's summary for the master writer.
 */
public final class MediaPlaylistWriter
    extends KeyedProcessFunction<String, PlaylistEntry, MediaPlaylist.Summary> {
  private final OriginStore.Config storeConfig;
  private final double liveWindowSeconds;
  private transient OriginStore store;
  private transient MapState<Integer, PlaylistEntry> entries;
  private transient ValueState<String> published;
  private transient ValueState<Integer> prunedBelow;
  private transient ValueState<Integer> targetDuration;

  public MediaPlaylistWriter(OriginStore.Config storeConfig, double liveWindowSeconds) {
    this.storeConfig = storeConfig;
    this.liveWindowSeconds = liveWindowSeconds;
  }

  @Override
  public void open(OpenContext ctx) {
    store = OriginStore.open(storeConfig);
    entries =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("entries", Integer.class, PlaylistEntry.class));
    published = getRuntimeContext().getState(new ValueStateDescriptor<>("published", String.class));
    prunedBelow =
        getRuntimeContext().getState(new ValueStateDescriptor<>("pruned-below", Integer.class));
    targetDuration =
        getRuntimeContext().getState(new ValueStateDescriptor<>("target-duration", Integer.class));
  }

  @Override
  public void processElement(PlaylistEntry e, Context ctx, Collector<MediaPlaylist.Summary> out)
      throws Exception {
    Integer floor = prunedBelow.value();
    if (floor != null && e.sequence() < floor) {
      return; // a live segment older than the window already published
    }
    entries.put(e.sequence(), e);
    if (e.live()) {
      // Live segments leave the window; the archive keeps them for replay manifests.
      ArchiveIndex.record(store, e);
    }
    List<PlaylistEntry> all = new ArrayList<>();
    entries.values().forEach(all::add);
    Integer pinned = targetDuration.value();
    MediaPlaylist.Rendered r =
        MediaPlaylist.render(
            all, liveWindowSeconds, floor == null ? 0 : floor, pinned == null ? 1 : pinned);
    if (r.text().isEmpty() || r.text().equals(published.value())) {
      return;
    }
    targetDuration.update(r.targetDuration());
    store.put(
        HlsPaths.mediaPlaylist(e.assetId(), e.rendition(), e.packaging()),
        r.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    published.update(r.text());
    if (e.live() && r.firstShown() > (floor == null ? 0 : floor)) {
      // Live state stays bounded: what left the window is never shown again.
      List<Integer> old = new ArrayList<>();
      for (Integer seq : entries.keys()) {
        if (seq < r.firstShown()) {
          old.add(seq);
        }
      }
      for (Integer seq : old) {
        entries.remove(seq);
      }
      prunedBelow.update(r.firstShown());
    }
    out.collect(r.summary());
  }

  @Override
  public void close() throws Exception {
    if (store != null) {
      store.close();
    }
  }
}
