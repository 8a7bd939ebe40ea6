package dev.segmentflow.transcode.flink;

import dev.segmentflow.transcode.hls.HlsPaths;
import dev.segmentflow.transcode.hls.MasterPlaylist;
import dev.segmentflow.transcode.hls.MediaPlaylist;
import dev.segmentflow.transcode.store.OriginStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by asset: the latest summary of each media playlist, rendered into one master playlist per
 * packaging and rewritten when it changes. Emits the key of each master it wrote.
 */
public final class MasterPlaylistWriter
    extends KeyedProcessFunction<String, MediaPlaylist.Summary, String> {
  private final OriginStore.Config storeConfig;
  private transient OriginStore store;
  private transient MapState<String, MediaPlaylist.Summary> renditions;
  private transient MapState<String, String> published;

  public MasterPlaylistWriter(OriginStore.Config storeConfig) {
    this.storeConfig = storeConfig;
  }

  @Override
  public void open(OpenContext ctx) {
    store = OriginStore.open(storeConfig);
    renditions =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>("renditions", String.class, MediaPlaylist.Summary.class));
    published =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("published", String.class, String.class));
  }

  @Override
  public void processElement(MediaPlaylist.Summary s, Context ctx, Collector<String> out)
      throws Exception {
    renditions.put(s.rendition() + "/" + s.packaging(), s);
    List<MediaPlaylist.Summary> same = new ArrayList<>();
    for (MediaPlaylist.Summary r : renditions.values()) {
      if (r.packaging() == s.packaging()) {
        same.add(r);
      }
    }
    String text = MasterPlaylist.render(same);
    String key = HlsPaths.master(s.assetId(), s.packaging());
    if (!text.equals(published.get(s.packaging().name()))) {
      store.put(key, text.getBytes(StandardCharsets.UTF_8));
      published.put(s.packaging().name(), text);
      out.collect(key);
    }
  }

  @Override
  public void close() throws Exception {
    if (store != null) {
      store.close();
    }
  }
}
