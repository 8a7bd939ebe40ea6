package dev.segmentflow.cli;

import dev.segmentflow.schemas.events.Packaging;
import dev.segmentflow.transcode.hls.ArchiveIndex;
import dev.segmentflow.transcode.hls.ReplayManifest;
import dev.segmentflow.transcode.store.OriginStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code segmentflow replay-manifest --asset ID --from T --to T}. */
@Command(
    name = "replay-manifest",
    mixinStandardHelpOptions = true,
    description = {
      "Write VOD playlists (a master per packaging and a media playlist per rendition) for a",
      "wall-clock range of a live asset, from the archive the transcode job keeps in the origin",
      "store. The playlists point at the archived segments; nothing is copied."
    })
final class ReplayManifestCommand implements Callable<Integer> {
  @Option(names = "--asset", required = true, description = "the live asset")
  String asset;

  @Option(
      names = "--from",
      required = true,
      description = "range start, ISO 8601 (2026-11-21T10:00:00Z)")
  Instant from;

  @Option(names = "--to", required = true, description = "range end (exclusive), ISO 8601")
  Instant to;

  @Mixin OriginOptions originOptions = new OriginOptions();

  @Option(names = "--dir", description = "the infrastructure folder (default: ${DEFAULT-VALUE})")
  Path dir = Path.of(".segmentflow");

  @Override
  public Integer call() throws Exception {
    OriginStore.Config config = originOptions.config(dir);
    int written = 0;
    try (OriginStore store = OriginStore.open(config)) {
      for (Packaging p : List.of(Packaging.TS, Packaging.FMP4)) {
        System.out.printf("[%d/2] reading the %s archive of %s%n", p.ordinal() + 1, p, asset);
        Map<String, List<dev.segmentflow.transcode.hls.PlaylistEntry>> archive =
            ArchiveIndex.read(store, asset, p);
        if (archive.isEmpty()) {
          System.out.println("      no " + p + " archive");
          continue;
        }
        ReplayManifest.Replay replay = ReplayManifest.build(asset, archive, p, from, to);
        for (var e : replay.playlists().entrySet()) {
          store.put(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        written++;
        System.out.printf(
            Locale.ROOT,
            "      %s: %d renditions, %d segments, %.1f s from %s%n",
            store.uri(replay.masterKey()),
            replay.renditions(),
            replay.segments(),
            replay.seconds(),
            replay.firstCaptured());
      }
    }
    if (written == 0) {
      throw new IllegalArgumentException(
          asset
              + " has no live archive in "
              + config.baseUri()
              + " (was it ingested with --live?)");
    }
    return 0;
  }
}
