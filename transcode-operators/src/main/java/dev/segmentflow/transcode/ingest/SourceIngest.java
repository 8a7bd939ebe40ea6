package dev.segmentflow.transcode.ingest;

import dev.segmentflow.schemas.events.SourceSegment;
import dev.segmentflow.transcode.hls.HlsPaths;
import dev.segmentflow.transcode.probe.MediaRejected;
import dev.segmentflow.transcode.store.OriginStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Ingest of one source file: split into source segments, store each in the origin store, publish
 * one segments.source event per segment. A live ingest publishes each segment when its end would
 * have been captured (start of ingest + the segment's end in the source timeline), as a live
 * encoder hands over segments.
 */
public final class SourceIngest {
  /** How to wait; tests pass a fake clock, the CLI real sleep. */
  public interface Pacer {
    void sleepUntil(long epochMillis) throws InterruptedException;

    Pacer REAL =
        t -> {
          long d = t - System.currentTimeMillis();
          if (d > 0) {
            Thread.sleep(d);
          }
        };
  }

  private final SourceSplitter splitter;
  private final OriginStore store;
  private final LongSupplier clock;
  private final Pacer pacer;

  public SourceIngest(SourceSplitter splitter, OriginStore store, LongSupplier clock, Pacer pacer) {
    this.splitter = splitter;
    this.store = store;
    this.clock = clock;
    this.pacer = pacer;
  }

  public List<SourceSegment> ingest(
      Path file,
      String assetId,
      boolean live,
      double segmentSeconds,
      Path workDir,
      Consumer<SourceSegment> publish,
      Consumer<String> progress)
      throws MediaRejected, IOException, InterruptedException {
    if (!HlsPaths.safeName(assetId)) {
      throw new IllegalArgumentException(
          "asset id must be letters, digits, '.', '_' or '-' (at most 128), not " + assetId);
    }
    progress.accept("[1/3] probing and splitting " + file);
    SourceSplitter.Result split = splitter.split(file, segmentSeconds, workDir, progress);
    int n = split.pieces().size();
    progress.accept(
        String.format(
            Locale.ROOT,
            "[2/3] %d segments of about %.1f s (%s); storing in %s",
            n,
            segmentSeconds,
            split.reencoded() ? "re-encoded: " + split.why() : "stream copy",
            store.config().baseUri()));
    long started = clock.getAsLong();
    double origin = split.pieces().get(0).startSeconds();
    List<SourceSegment> events = new ArrayList<>();
    for (SourceSplitter.Piece p : split.pieces()) {
      String key = HlsPaths.source(assetId, p.sequence());
      store.put(key, p.file());
      if (live) {
        long due = started + Math.round((p.startSeconds() - origin + p.durationSeconds()) * 1000);
        pacer.sleepUntil(due);
      }
      SourceSegment e = split.event(p, assetId, store.uri(key), live, clock.getAsLong());
      publish.accept(e);
      events.add(e);
      progress.accept(
          String.format(
              Locale.ROOT,
              "[3/3] %s segment %d/%d (%.3f s at %.3f s)",
              live ? "live" : "published",
              p.sequence() + 1,
              n,
              e.durationSeconds(),
              e.startSeconds()));
    }
    return events;
  }
}
