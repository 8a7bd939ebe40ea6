package dev.segmentflow.transcode.ingest;

import dev.segmentflow.schemas.events.SourceSegment;
import dev.segmentflow.schemas.validation.ReasonCode;
import dev.segmentflow.transcode.ffmpeg.ChildRun;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.probe.MediaProbe;
import dev.segmentflow.transcode.probe.MediaProber;
import dev.segmentflow.transcode.probe.MediaRejected;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Splits a source file into keyframe-aligned source segments (Matroska, which takes any codec)
 * without re-encoding. Only when the source's keyframes are too far apart for the target length is
 * the video re-encoded once, near-losslessly, with a keyframe forced at every target boundary.
 * Segments keep the source's timeline, so the transcoder can place each one without knowing the
 * others.
 */
public final class SourceSplitter {
  private final FfmpegTools tools;
  private final MediaProber prober;
  private final Duration timeout;

  public SourceSplitter(FfmpegTools tools, Duration timeout) {
    this.tools = tools;
    this.prober = new MediaProber(tools, timeout);
    this.timeout = timeout;
  }

  /** One source segment on local disk, with its place in the source's timeline. */
  public record Piece(int sequence, Path file, double startSeconds, double durationSeconds) {}

  public record Result(MediaProbe probe, boolean reencoded, List<Piece> pieces) {
    /** The segments.source event of one piece, stored at {@code uri}. */
    public SourceSegment event(Piece p, String assetId, String uri, boolean live, long ingestedAt) {
      return new SourceSegment(
          SourceSegment.VERSION,
          SourceSegment.idFor(assetId, p.sequence()),
          assetId,
          p.sequence(),
          uri,
          micros(p.startSeconds()),
          micros(p.durationSeconds()),
          live,
          p.sequence() == pieces.size() - 1,
          probe.width(),
          probe.height(),
          probe.frameRate(),
          probe.hasAudio(),
          probe.bitrateKbps(),
          probe.videoCodec(),
          ingestedAt);
    }

    private static double micros(double seconds) {
      return Math.round(seconds * 1_000_000) / 1_000_000.0;
    }
  }

  public Result split(Path input, double targetSeconds, Path outDir, Consumer<String> progress)
      throws MediaRejected {
    MediaProbe probe = prober.probe(input);
    progress.accept(
        String.format(
            Locale.ROOT,
            "probed %s: %s %dx%d %.3f fps, %.1f s, audio %s",
            input.getFileName(),
            probe.videoCodec(),
            probe.width(),
            probe.height(),
            probe.frameRate(),
            probe.durationSeconds(),
            probe.hasAudio() ? "yes" : "no"));
    mkdirs(outDir);
    Path source = input;
    boolean reencoded = false;
    Timeline t = timeline(source, probe.frameRate());
    var cuts = SplitPlanner.cuts(t.keyframes(), t.end(), targetSeconds);
    if (cuts.isEmpty()) {
      progress.accept(
          String.format(
              Locale.ROOT,
              "keyframes too sparse for %.1f s segments (%d in %.1f s): re-encoding with forced keyframes",
              targetSeconds,
              t.keyframes().size(),
              probe.durationSeconds()));
      source = outDir.resolve("keyframed.mkv");
      reencode(input, source, targetSeconds, probe.hasAudio());
      t = timeline(source, probe.frameRate());
      cuts = SplitPlanner.cuts(t.keyframes(), t.end(), targetSeconds);
      reencoded = true;
      if (cuts.isEmpty()) {
        throw new MediaRejected(
            ReasonCode.UNDECODABLE_MEDIA, "no keyframe plan even after re-encoding");
      }
    }
    List<Double> at = cuts.get();
    progress.accept("cutting " + at.size() + " segments by stream copy");
    List<String> args = new ArrayList<>(List.of("-copyts", "-i", source.toString()));
    args.addAll(List.of("-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", "-f", "segment"));
    if (at.size() > 1) {
      // The muxer cuts at the first keyframe at or after each time: aim a hair before the keyframe.
      args.add("-segment_times");
      args.add(
          at.subList(1, at.size()).stream()
              .map(x -> String.format(Locale.ROOT, "%.6f", x - 0.0005))
              .collect(Collectors.joining(",")));
    } else {
      args.addAll(List.of("-segment_time", "1000000"));
    }
    args.addAll(
        List.of(
            "-reset_timestamps",
            "0",
            "-segment_format",
            "matroska",
            outDir.resolve("segment-%06d.mkv").toString()));
    ChildRun.Result r = tools.ffmpeg(args, timeout);
    if (!r.ok()) {
      throw new MediaRejected(
          r.timedOut() ? ReasonCode.TIMEOUT : ReasonCode.UNDECODABLE_MEDIA,
          "splitting: " + (r.timedOut() ? "ran past the limit" : r.lastError()));
    }
    List<Piece> pieces = new ArrayList<>();
    for (int i = 0; i < at.size(); i++) {
      Path file = outDir.resolve(String.format(Locale.ROOT, "segment-%06d.mkv", i));
      if (!Files.exists(file)) {
        throw new MediaRejected(
            ReasonCode.UNDECODABLE_MEDIA, "the splitter made fewer segments than planned: " + i);
      }
      double start = at.get(i);
      double stop = i + 1 < at.size() ? at.get(i + 1) : t.end();
      pieces.add(new Piece(i, file, start, stop - start));
    }
    return new Result(probe, reencoded, pieces);
  }

  private record Timeline(List<Double> keyframes, double end) {}

  private Timeline timeline(Path file, double fps) throws MediaRejected {
    List<MediaProber.Packet> packets = prober.videoPackets(file);
    if (packets.isEmpty()) {
      throw new MediaRejected(ReasonCode.UNDECODABLE_MEDIA, "no video packets");
    }
    List<Double> keys = new ArrayList<>();
    double last = -Double.MAX_VALUE;
    for (MediaProber.Packet p : packets) {
      last = Math.max(last, p.ptsSeconds());
      if (p.keyframe()) {
        keys.add(p.ptsSeconds());
      }
    }
    keys.sort(Double::compare);
    return new Timeline(keys, last + 1.0 / fps);
  }

  private void reencode(Path input, Path output, double target, boolean audio)
      throws MediaRejected {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-copyts",
                "-i",
                input.toString(),
                "-map",
                "0:v:0",
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-crf",
                "16",
                "-pix_fmt",
                "yuv420p",
                "-force_key_frames",
                String.format(Locale.ROOT, "expr:gte(t,n_forced*%.6f)", target)));
    if (audio) {
      args.addAll(List.of("-map", "0:a:0", "-c:a", "copy"));
    }
    args.add(output.toString());
    ChildRun.Result r = tools.ffmpeg(args, timeout);
    if (!r.ok()) {
      throw new MediaRejected(
          r.timedOut() ? ReasonCode.TIMEOUT : ReasonCode.UNDECODABLE_MEDIA,
          "re-encoding: " + (r.timedOut() ? "ran past the limit" : r.lastError()));
    }
  }

  private static void mkdirs(Path p) {
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
