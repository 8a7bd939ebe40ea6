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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Splits a source file into source segments (Matroska pieces) that the transcoder can handle one at
 * a time.
 *
 * <p>A source whose timing can be trusted (a delivery codec in MP4, Matroska or MPEG-TS, constant
 * frame rate, square pixels, upright, progressive, no edit list) and whose keyframes allow the
 * target length is cut by stream copy at its own keyframe times. Anything else is re-encoded once,
 * near-losslessly, to constant-rate, upright, square-pixel, progressive 8-bit 4:2:0 H.264, with a
 * keyframe forced every target length counted in frames, and cut at exactly those frames. Audio is
 * always decoded to 48 kHz stereo PCM in the pieces, never cut by stream copy: the transcoder
 * encodes each segment's audio for exactly its video's span.
 *
 * <p>Nothing is taken from the plan: every written piece is probed, must start on a keyframe and
 * follow its predecessor within half a frame, and its start and frame count (the same packet count
 * the transcoder checks) become the event's start and duration. A stream copy that fails these
 * checks falls back to the re-encode.
 */
public final class SourceSplitter {
  /** Codecs cut by stream copy; the rest are intra, legacy or badly timed in their containers. */
  private static final Set<String> COPY_CODECS = Set.of("h264", "hevc", "vp9", "av1");

  /** Audio packets in the pieces: 2 ms, so a cut leaves at most 2 ms to pad. */
  private static final int PCM_PACKET_SAMPLES = 96;

  private final FfmpegTools tools;
  private final MediaProber prober;
  private final Duration timeout;

  public SourceSplitter(FfmpegTools tools, Duration timeout) {
    this.tools = tools;
    this.prober = new MediaProber(tools, timeout);
    this.timeout = timeout;
  }

  /** One source segment on local disk, with its place in the pieces' common timeline. */
  public record Piece(int sequence, Path file, double startSeconds, double durationSeconds) {}

  /** What the pieces hold: the picture as it plays, its constant rate, whether there is audio. */
  public record Format(
      int width,
      int height,
      double frameRate,
      boolean hasAudio,
      Long sourceBitrateKbps,
      String videoCodec) {}

  /**
   * @param why why the source was re-encoded; null when it was cut by stream copy
   */
  public record Result(boolean reencoded, String why, Format format, List<Piece> pieces) {
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
          format.width(),
          format.height(),
          format.frameRate(),
          format.hasAudio(),
          format.sourceBitrateKbps(),
          format.videoCodec(),
          ingestedAt);
    }

    private static double micros(double seconds) {
      return Math.round(seconds * 1_000_000) / 1_000_000.0;
    }
  }

  /** A written piece that does not match what the cut promised. */
  private static final class Mismatch extends Exception {
    Mismatch(String message) {
      super(message);
    }
  }

  public Result split(Path input, double targetSeconds, Path outDir, Consumer<String> progress)
      throws MediaRejected {
    if (!(targetSeconds > 0)) {
      throw new IllegalArgumentException("segment length must be positive: " + targetSeconds);
    }
    MediaProbe probe = prober.probe(input);
    progress.accept(
        String.format(
            Locale.ROOT,
            "probed %s: %s %dx%d %.3f fps, %.1f s, audio %s%s%s",
            input.getFileName(),
            probe.videoCodec(),
            probe.width(),
            probe.height(),
            probe.frameRate(),
            probe.durationSeconds(),
            probe.hasAudio() ? "yes" : "no",
            probe.rotation() != 0 ? ", rotated " + probe.rotation() : "",
            probe.interlaced() ? ", interlaced" : ""));
    List<MediaProber.Packet> packets = prober.videoPackets(input);
    if (packets.isEmpty()) {
      throw new MediaRejected(ReasonCode.UNDECODABLE_MEDIA, "no video packets");
    }
    mkdirs(outDir);
    String why = copyBlocker(probe, packets);
    if (why == null) {
      List<Double> keys = new ArrayList<>();
      double last = -Double.MAX_VALUE;
      for (MediaProber.Packet p : packets) {
        last = Math.max(last, p.ptsSeconds());
        if (p.keyframe()) {
          keys.add(p.ptsSeconds());
        }
      }
      keys.sort(Double::compare);
      Optional<List<Double>> cuts =
          SplitPlanner.cuts(keys, last + 1.0 / probe.frameRate(), targetSeconds);
      if (cuts.isEmpty()) {
        why =
            String.format(
                Locale.ROOT,
                "keyframes too sparse for %.1f s segments (%d in %.1f s)",
                targetSeconds,
                keys.size(),
                probe.durationSeconds());
      } else {
        progress.accept("cutting " + cuts.get().size() + " segments by stream copy");
        try {
          List<Piece> pieces =
              verified(
                  copyCut(input, probe, packets, cuts.get(), outDir),
                  probe.frameRate(),
                  packets.size(),
                  cuts.get().size());
          Format format =
              new Format(
                  probe.width(),
                  probe.height(),
                  probe.frameRate(),
                  probe.hasAudio(),
                  probe.bitrateKbps(),
                  probe.videoCodec());
          return new Result(false, null, format, pieces);
        } catch (Mismatch m) {
          why = "the stream copy did not hold: " + m.getMessage();
        }
      }
    }
    progress.accept("re-encoding once, " + why);
    int shown = (int) packets.stream().filter(p -> !p.discard()).count();
    return reencoded(input, probe, shown, targetSeconds, outDir, why);
  }

  /** Why the source cannot be cut by stream copy, or null when it can. */
  static String copyBlocker(MediaProbe probe, List<MediaProber.Packet> packets) {
    String container = probe.formatName();
    if (!(container.contains("mp4")
        || container.contains("matroska")
        || container.equals("mpegts"))) {
      return "the " + container + " container's timestamps are not cut by stream copy";
    }
    if (!COPY_CODECS.contains(probe.videoCodec())) {
      return probe.videoCodec() + " video is not cut by stream copy";
    }
    if (Math.abs(probe.sampleAspect() - 1) > 1e-3) {
      return "non-square pixels";
    }
    if (probe.rotation() != 0) {
      return "a " + probe.rotation() + "-degree display rotation";
    }
    if (probe.interlaced()) {
      return "interlaced video";
    }
    List<Double> pts = new ArrayList<>(packets.size());
    double keyframe = Double.NaN;
    for (int i = 0; i < packets.size(); i++) {
      MediaProber.Packet p = packets.get(i);
      if (p.discard()) {
        return "an edit list hides frames";
      }
      if (Double.isNaN(p.ptsSeconds())) {
        return "packets without presentation times";
      }
      if (p.keyframe()) {
        keyframe = i == 0 ? Double.NaN : p.ptsSeconds();
      } else if (p.ptsSeconds() < keyframe) {
        // a frame after a keyframe that shows before it refers to the previous GOP
        return String.format(Locale.ROOT, "open GOPs (at %.3f s)", keyframe);
      }
      pts.add(p.ptsSeconds());
    }
    pts.sort(Double::compare);
    double frame = 1.0 / probe.frameRate();
    // Matroska keeps milliseconds, so a constant rate can wobble by one
    double tolerance = Math.max(0.15 * frame, 0.0015);
    for (int i = 1; i < pts.size(); i++) {
      double step = pts.get(i) - pts.get(i - 1);
      if (Math.abs(step - frame) > tolerance) {
        return String.format(
            Locale.ROOT,
            "variable frame rate (a %.1f ms step at %.3f s, %.1f ms expected)",
            step * 1000,
            pts.get(i - 1),
            frame * 1000);
      }
    }
    return null;
  }

  /**
   * Cuts at the given keyframe times, video copied, audio to PCM; returns the pieces in order. The
   * muxer is told where to cut by frame number (decode order), not by time: it measures time from
   * its own first packet, which for a source whose audio starts first is not the video's start.
   */
  private List<Path> copyCut(
      Path input,
      MediaProbe probe,
      List<MediaProber.Packet> packets,
      List<Double> cuts,
      Path outDir)
      throws MediaRejected {
    List<String> args = new ArrayList<>(List.of("-copyts", "-i", input.toString()));
    args.addAll(List.of("-map", "0:v:0", "-c:v", "copy"));
    addAudio(args, probe);
    args.addAll(List.of("-f", "segment"));
    // the cuts are keyframe times; one pass over the packets finds their frame numbers
    Set<Double> at = new HashSet<>(cuts.subList(1, cuts.size()));
    List<String> frames = new ArrayList<>();
    for (int i = 0; i < packets.size(); i++) {
      if (packets.get(i).keyframe() && at.remove(packets.get(i).ptsSeconds())) {
        frames.add(Integer.toString(i));
      }
    }
    if (frames.isEmpty()) {
      args.addAll(List.of("-segment_time", "1000000"));
    } else {
      args.addAll(List.of("-segment_frames", String.join(",", frames)));
    }
    return runCut(args, outDir, "splitting");
  }

  private Result reencoded(
      Path input, MediaProbe probe, int sourcePackets, double target, Path outDir, String why)
      throws MediaRejected {
    FrameRateRule.Rate rate = FrameRateRule.normalise(probe.frameRate(), probe.nominalFrameRate());
    double displayWidth = probe.width() * probe.sampleAspect();
    double displayHeight = probe.height();
    if (probe.quarterTurned()) {
      double w = displayWidth;
      displayWidth = displayHeight;
      displayHeight = w;
    }
    int width = even(displayWidth);
    int height = even(displayHeight);
    int perSegment = Math.max(1, (int) Math.round(target * rate.value()));
    long expected = Math.round(sourcePackets / probe.frameRate() * rate.value());
    // Timestamps count from the first video frame; ffmpeg already moved the container start to 0.
    double videoStart = Math.max(0, probe.videoStartSeconds() - probe.startSeconds());
    StringBuilder video =
        new StringBuilder(String.format(Locale.ROOT, "[0:v:0]setpts=PTS-%.6f/TB,", videoStart));
    if (probe.interlaced()) {
      video.append("yadif=mode=send_frame:parity=auto:deint=all,");
    }
    video.append(
        String.format(
            Locale.ROOT,
            "fps=%s,scale=%d:%d:flags=bicubic,setsar=1,format=yuv420p[v]",
            rate.expression(),
            width,
            height));
    List<String> args = new ArrayList<>(List.of("-i", input.toString()));
    if (probe.hasAudio()) {
      args.addAll(
          List.of(
              "-filter_complex",
              video
                  + String.format(
                      Locale.ROOT,
                      ";[0:a:0]asetpts=PTS-%.6f/TB,atrim=start=0,%s[a]",
                      videoStart,
                      pcmChain())));
      args.addAll(List.of("-map", "[v]", "-map", "[a]", "-c:a", "pcm_s16le", "-ac", "2"));
    } else {
      args.addAll(List.of("-filter_complex", video.toString(), "-map", "[v]"));
    }
    args.addAll(
        List.of(
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "16",
            // the ladder decodes every piece once more: CAVLC and no deblocking halve that cost
            "-tune",
            "fastdecode",
            "-force_key_frames",
            "expr:eq(mod(n," + perSegment + "),0)",
            "-f",
            "segment"));
    // Frame-exact cuts, one per forced keyframe; a remainder under half a segment joins the last.
    long segments = Math.max(1, Math.round((double) expected / perSegment));
    if (segments > 1) {
      List<String> frames = new ArrayList<>();
      for (long k = 1; k < segments; k++) {
        frames.add(Long.toString(k * perSegment));
      }
      args.addAll(List.of("-segment_frames", String.join(",", frames)));
    } else {
      args.addAll(List.of("-segment_time", "1000000"));
    }
    List<Path> files = runCut(args, outDir, "re-encoding");
    List<Piece> pieces;
    try {
      pieces = verified(files, rate.value(), -1, -1);
    } catch (Mismatch m) {
      throw new MediaRejected(ReasonCode.UNDECODABLE_MEDIA, "re-encoded pieces: " + m.getMessage());
    }
    long frames =
        Math.round(pieces.stream().mapToDouble(Piece::durationSeconds).sum() * rate.value());
    if (frames < 0.9 * expected) {
      throw new MediaRejected(
          ReasonCode.UNDECODABLE_MEDIA,
          String.format(
              Locale.ROOT,
              "only %d of about %d frames decode: the source is damaged",
              frames,
              expected));
    }
    return new Result(
        true,
        why,
        new Format(width, height, rate.value(), probe.hasAudio(), probe.bitrateKbps(), "h264"),
        pieces);
  }

  /** The source's first audio track as 48 kHz stereo PCM in short packets. */
  private static void addAudio(List<String> args, MediaProbe probe) {
    if (probe.hasAudio()) {
      args.addAll(List.of("-map", "0:a:0", "-af", pcmChain(), "-c:a", "pcm_s16le", "-ac", "2"));
    }
  }

  /** Gaps in the source's audio become silence, so its timestamps stay true to the video. */
  private static String pcmChain() {
    return "aresample=48000:async=1,asetnsamples=n=" + PCM_PACKET_SAMPLES + ":p=0";
  }

  private List<Path> runCut(List<String> args, Path outDir, String what) throws MediaRejected {
    clear(outDir);
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
          what + ": " + (r.timedOut() ? "ran past the limit" : r.lastError()));
    }
    try (Stream<Path> s = Files.list(outDir)) {
      return s.filter(p -> p.getFileName().toString().matches("segment-\\d{6}\\.mkv"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Probes every written piece and places it: its start is its first frame, its duration its frame
   * count at the constant rate.
   *
   * @param sourceFrames frames the pieces must hold together; -1 when not known in advance
   * @param planned pieces the cut was to make; -1 when not known in advance
   */
  private List<Piece> verified(List<Path> files, double fps, int sourceFrames, int planned)
      throws Mismatch, MediaRejected {
    if (files.isEmpty() || (planned >= 0 && files.size() != planned)) {
      throw new Mismatch(files.size() + " pieces written, " + planned + " planned");
    }
    List<Piece> pieces = new ArrayList<>();
    double nextStart = Double.NaN;
    int total = 0;
    for (int i = 0; i < files.size(); i++) {
      List<MediaProber.Packet> packets = prober.videoPackets(files.get(i));
      if (packets.isEmpty()) {
        throw new Mismatch("piece " + i + " holds no video");
      }
      if (!packets.get(0).keyframe()) {
        throw new Mismatch("piece " + i + " does not start on a keyframe");
      }
      double start = Double.MAX_VALUE;
      for (MediaProber.Packet p : packets) {
        start = Math.min(start, p.ptsSeconds());
      }
      if (i > 0 && Math.abs(start - nextStart) > 0.5 / fps) {
        throw new Mismatch(
            String.format(
                Locale.ROOT,
                "piece %d starts at %.3f s, its predecessor ends at %.3f s",
                i,
                start,
                nextStart));
      }
      double duration = packets.size() / fps;
      nextStart = start + duration;
      total += packets.size();
      pieces.add(new Piece(i, files.get(i), start, duration));
    }
    if (sourceFrames >= 0 && total != sourceFrames) {
      throw new Mismatch("the pieces hold " + total + " frames, the source " + sourceFrames);
    }
    return pieces;
  }

  private static int even(double x) {
    return Math.max(2, 2 * (int) Math.round(x / 2));
  }

  private static void clear(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        if (p.getFileName().toString().startsWith("segment-")) {
          Files.delete(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
