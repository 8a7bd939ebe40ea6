package dev.segmentflow.transcode.encode;

import dev.segmentflow.schemas.events.Packaging;
import dev.segmentflow.schemas.events.SourceSegment;
import dev.segmentflow.transcode.hls.HlsPaths;
import dev.segmentflow.transcode.hls.MasterPlaylist;
import dev.segmentflow.transcode.hls.MediaPlaylist;
import dev.segmentflow.transcode.hls.PlaylistEntry;
import dev.segmentflow.transcode.ingest.SourceSplitter;
import dev.segmentflow.transcode.probe.MediaRejected;
import dev.segmentflow.transcode.store.OriginStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The transcode job's work for one file, in one process and without Flink: split, transcode every
 * segment, store segments, init segments and playlists under the same keys the job uses. For
 * preparing assets (tests of the edge, benchmarks) where a Flink job would only add start-up time.
 */
public final class VodPackager {
  private final SourceSplitter splitter;
  private final SegmentTranscoder transcoder;
  private final OriginStore store;

  public VodPackager(SourceSplitter splitter, SegmentTranscoder transcoder, OriginStore store) {
    this.splitter = splitter;
    this.transcoder = transcoder;
    this.store = store;
  }

  /**
   * A quick ladder of the named rungs (x264 ultrafast, no quality scoring) for tests, benchmarks
   * and demos, where packaging time matters more than compression.
   */
  public static VodPackager quick(
      dev.segmentflow.transcode.ffmpeg.FfmpegTools tools, List<String> rungs, OriginStore store) {
    return new VodPackager(
        new SourceSplitter(tools, java.time.Duration.ofMinutes(5)),
        new SegmentTranscoder(
            tools,
            SegmentTranscoder.Settings.defaults()
                .withTemplate(
                    dev.segmentflow.transcode.ladder.LadderTemplate.standard().only(rungs))
                .withPreset("ultrafast")
                .withQualityEvery(0)),
        store);
  }

  /**
   * @return the master playlist keys written (TS, fMP4)
   */
  public List<String> packageFile(
      Path file, String assetId, double segmentSeconds, Path workDir, Consumer<String> progress)
      throws MediaRejected, IOException, TransientFailure {
    SourceSplitter.Result split =
        splitter.split(file, segmentSeconds, workDir.resolve("split"), progress);
    int n = split.pieces().size();
    Map<String, List<PlaylistEntry>> byPlaylist = new TreeMap<>();
    for (SourceSplitter.Piece p : split.pieces()) {
      SourceSegment seg = split.event(p, assetId, p.file().toUri().toString(), false, 0);
      for (SegmentTranscoder.Output o :
          transcoder.transcode(seg, p.file(), workDir.resolve("work-" + p.sequence()))) {
        String rung = o.rendition().name();
        store.put(HlsPaths.segment(assetId, rung, p.sequence(), o.packaging()), o.media());
        if (o.init() != null) {
          store.put(HlsPaths.init(assetId, rung), o.init());
        }
        byPlaylist
            .computeIfAbsent(rung + "/" + o.packaging(), k -> new ArrayList<>())
            .add(
                new PlaylistEntry(
                    assetId,
                    rung,
                    o.packaging(),
                    p.sequence(),
                    o.durationSeconds(),
                    o.bytes(),
                    o.rendition().width(),
                    o.rendition().height(),
                    split.format().frameRate(),
                    o.codecs(),
                    false,
                    seg.lastSegment(),
                    false,
                    0));
      }
      progress.accept(
          String.format(Locale.ROOT, "packaged %s segment %d/%d", assetId, p.sequence() + 1, n));
    }
    List<String> masters = new ArrayList<>();
    for (Packaging packaging : Packaging.values()) {
      List<MediaPlaylist.Summary> summaries = new ArrayList<>();
      for (var e : byPlaylist.entrySet()) {
        if (!e.getKey().endsWith("/" + packaging)) {
          continue;
        }
        MediaPlaylist.Rendered r = MediaPlaylist.render(e.getValue(), 0, 0);
        PlaylistEntry first = e.getValue().get(0);
        store.put(
            HlsPaths.mediaPlaylist(assetId, first.rendition(), packaging),
            r.text().getBytes(StandardCharsets.UTF_8));
        summaries.add(r.summary());
      }
      String key = HlsPaths.master(assetId, packaging);
      store.put(key, MasterPlaylist.render(summaries).getBytes(StandardCharsets.UTF_8));
      masters.add(key);
    }
    return masters;
  }
}
