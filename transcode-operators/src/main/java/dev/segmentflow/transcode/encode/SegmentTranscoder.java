package dev.segmentflow.transcode.encode;

import dev.segmentflow.schemas.events.Packaging;
import dev.segmentflow.schemas.events.SourceSegment;
import dev.segmentflow.schemas.validation.ReasonCode;
import dev.segmentflow.transcode.ffmpeg.ChildRun;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.ladder.LadderPlanner;
import dev.segmentflow.transcode.ladder.LadderTemplate;
import dev.segmentflow.transcode.ladder.PlannedRendition;
import dev.segmentflow.transcode.ladder.SourceFormat;
import dev.segmentflow.transcode.probe.MediaProbe;
import dev.segmentflow.transcode.probe.MediaProber;
import dev.segmentflow.transcode.probe.MediaRejected;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;

/**
 * One source segment in, every rendition of its ladder out, each checked before it is trusted: a
 * keyframe first, as many frames as the source segment, the source's duration within a frame.
 * ffmpeg exits 0 on some truncated inputs with a partial output, so its exit code is not enough.
 */
public final class SegmentTranscoder {
  /** How the ladder is made. Serializable so a Flink operator can carry it. */
  public record Settings(
      LadderTemplate template,
      String x264Preset,
      double gopSeconds,
      Duration timeout,
      int qualityEvery,
      EncoderPath path)
      implements Serializable {
    public static Settings defaults() {
      return new Settings(
          LadderTemplate.standard(), "veryfast", 2.0, Duration.ofMinutes(5), 4, EncoderPath.CPU);
    }

    public Settings withTemplate(LadderTemplate t) {
      return new Settings(t, x264Preset, gopSeconds, timeout, qualityEvery, path);
    }

    public Settings withPreset(String p) {
      return new Settings(template, p, gopSeconds, timeout, qualityEvery, path);
    }

    public Settings withTimeout(Duration d) {
      return new Settings(template, x264Preset, gopSeconds, d, qualityEvery, path);
    }

    public Settings withQualityEvery(int n) {
      return new Settings(template, x264Preset, gopSeconds, timeout, n, path);
    }

    public Settings withPath(EncoderPath p) {
      return new Settings(template, x264Preset, gopSeconds, timeout, qualityEvery, p);
    }
  }

  /** One packaged rendition of the segment, in the work folder. */
  public record Output(
      PlannedRendition rendition,
      Packaging packaging,
      Path media,
      Path init,
      long bytes,
      double durationSeconds,
      String codecs,
      String encoder,
      long encodeMillis,
      Double psnr,
      Double ssim) {}

  private final FfmpegTools tools;
  private final MediaProber prober;
  private final QualityMeter quality;
  private final Settings settings;
  private final Semaphore encoders;

  public SegmentTranscoder(FfmpegTools tools, Settings settings) {
    this(tools, settings, null);
  }

  /**
   * @param encoders permits for ladder runs at a time across every thread that shares it (null: no
   *     limit): threads beyond them download, probe, check and upload other segments meanwhile, so
   *     that an encoder never waits for that work
   */
  public SegmentTranscoder(FfmpegTools tools, Settings settings, Semaphore encoders) {
    this.tools = tools;
    this.settings = settings;
    this.encoders = encoders;
    Duration probeTimeout =
        settings.timeout().compareTo(Duration.ofSeconds(60)) < 0
            ? settings.timeout()
            : Duration.ofSeconds(60);
    this.prober = new MediaProber(tools, probeTimeout);
    this.quality = new QualityMeter(tools, settings.timeout());
  }

  public static List<PlannedRendition> plan(SourceSegment seg, LadderTemplate template) {
    return LadderPlanner.plan(
        new SourceFormat(
            seg.width(),
            seg.height(),
            1.0,
            seg.frameRate(),
            seg.sourceBitrateKbps(),
            seg.hasAudio()),
        template);
  }

  private ChildRun.Result encode(List<String> args) throws TransientFailure {
    if (encoders == null) {
      return tools.ffmpeg(args, settings.timeout());
    }
    try {
      encoders.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientFailure("interrupted while waiting for an encoder");
    }
    try {
      return tools.ffmpeg(args, settings.timeout());
    } finally {
      encoders.release();
    }
  }

  /** One ffmpeg run's arguments for a segment's ladder, and the files it writes. */
  public record Ladder(List<String> arguments, List<LadderCommand.Outputs> outputs) {}

  /**
   * The ffmpeg run {@link #transcode} makes for a source segment whose video is in {@code
   * videoCodec}, writing into {@code workDir}.
   */
  public Ladder ladder(SourceSegment seg, Path source, String videoCodec, Path workDir) {
    List<LadderCommand.Outputs> outputs = new ArrayList<>();
    for (PlannedRendition r : plan(seg, settings.template())) {
      outputs.add(
          new LadderCommand.Outputs(
              r, workDir.resolve(r.name() + ".ts"), workDir.resolve(r.name() + ".mp4")));
    }
    int gop = Math.max(1, (int) Math.round(settings.gopSeconds() * seg.frameRate()));
    List<String> args =
        LadderCommand.build(
            source,
            videoCodec,
            outputs,
            settings.path(),
            settings.x264Preset(),
            gop,
            seg.startSeconds(),
            seg.startSeconds() + seg.durationSeconds());
    return new Ladder(args, outputs);
  }

  public List<Output> transcode(SourceSegment seg, Path source, Path workDir)
      throws MediaRejected, TransientFailure {
    MediaProber.Probed probed = prober.probeWithPackets(source);
    MediaProbe probe = probed.probe();
    int sourceFrames = probed.videoPackets().size();
    long expected = Math.round(seg.durationSeconds() * seg.frameRate());
    if (Math.abs(sourceFrames - expected) > frameTolerance(expected)) {
      throw new MediaRejected(
          ReasonCode.UNDECODABLE_MEDIA,
          "source segment holds "
              + sourceFrames
              + " frames, its event says "
              + expected
              + ": truncated or wrong file");
    }
    Ladder ladder = ladder(seg, source, probe.videoCodec(), workDir);
    List<LadderCommand.Outputs> outputs = ladder.outputs();
    mkdirs(workDir);
    ChildRun.Result run = encode(ladder.arguments());
    if (run.timedOut()) {
      throw new MediaRejected(
          ReasonCode.TIMEOUT, "ladder encode ran past " + settings.timeout().toSeconds() + " s");
    }
    if (run.exitCode() == 128 + 9 || run.exitCode() == 128 + 15) {
      // killed from outside (out of memory, shutdown): the same input may well succeed again
      throw new TransientFailure("ffmpeg killed by signal " + (run.exitCode() - 128));
    }
    if (run.exitCode() != 0) {
      throw new MediaRejected(
          ReasonCode.UNDECODABLE_MEDIA, "the source segment does not decode: " + run.firstError());
    }
    String encoder = LadderCommand.encoderName(settings.path(), probe.videoCodec());
    boolean measure = settings.qualityEvery() > 0 && seg.sequence() % settings.qualityEvery() == 0;
    List<Output> out = new ArrayList<>();
    for (LadderCommand.Outputs o : outputs) {
      Mp4Fragments.Split split;
      Mp4Fragments.VideoSamples samples;
      try {
        split = Mp4Fragments.split(read(o.mp4()));
        samples = Mp4Fragments.videoSamples(split);
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        // a broken fMP4 is this input's fault, not a transient one: no retry
        throw new MediaRejected(
            ReasonCode.UNDECODABLE_MEDIA, o.mp4().getFileName() + ": " + e.getMessage());
      }
      // the TS holds the same packets (one encoder, a tee), so the fMP4's headers speak for both
      double duration = verify(samples, o.mp4().getFileName().toString(), sourceFrames, seg);
      if (size(o.ts()) == 0) {
        throw new MediaRejected(
            ReasonCode.UNDECODABLE_MEDIA, "empty output " + o.ts().getFileName());
      }
      String video =
          Mp4Fragments.avcCodec(split.init())
              .orElseThrow(
                  () -> new MediaRejected(ReasonCode.UNDECODABLE_MEDIA, "no avcC in " + o.mp4()));
      String codecs = o.rendition().hasAudio() && probe.hasAudio() ? video + ",mp4a.40.2" : video;
      Path init = workDir.resolve(o.rendition().name() + ".init.mp4");
      Path m4s = workDir.resolve(o.rendition().name() + ".m4s");
      write(init, split.init());
      write(m4s, split.media());
      Double psnr = null;
      Double ssim = null;
      if (measure) {
        var q = quality.measure(o.ts(), source, probe.width(), probe.height());
        if (q.isPresent()) {
          psnr = q.get().psnr();
          ssim = q.get().ssim();
        }
      }
      out.add(
          new Output(
              o.rendition(),
              Packaging.TS,
              o.ts(),
              null,
              size(o.ts()),
              duration,
              codecs,
              encoder,
              run.elapsedMillis(),
              psnr,
              ssim));
      out.add(
          new Output(
              o.rendition(),
              Packaging.FMP4,
              m4s,
              init,
              split.media().length,
              duration,
              codecs,
              encoder,
              run.elapsedMillis(),
              psnr,
              ssim));
    }
    return out;
  }

  /** Checks one output against the source segment and returns its duration. */
  private static double verify(
      Mp4Fragments.VideoSamples samples, String name, int sourceFrames, SourceSegment seg)
      throws MediaRejected {
    if (!samples.firstIsSync()) {
      throw new MediaRejected(
          ReasonCode.UNDECODABLE_MEDIA, "output " + name + " does not start on a keyframe");
    }
    if (Math.abs(samples.count() - sourceFrames) > 1) {
      throw new MediaRejected(
          ReasonCode.UNDECODABLE_MEDIA,
          String.format(
              Locale.ROOT,
              "output %s has %d frames, the source segment %d",
              name,
              samples.count(),
              sourceFrames));
    }
    double frame = 1.0 / seg.frameRate();
    double duration = samples.lastSeconds() - samples.firstSeconds() + frame;
    if (Math.abs(duration - seg.durationSeconds()) > frame + 1e-3) {
      throw new MediaRejected(
          ReasonCode.UNDECODABLE_MEDIA,
          String.format(
              Locale.ROOT,
              "output %s lasts %.3f s, the source segment %.3f s",
              name,
              duration,
              seg.durationSeconds()));
    }
    return seg.durationSeconds();
  }

  static long frameTolerance(long expected) {
    return 1 + expected / 100;
  }

  private static byte[] read(Path p) throws MediaRejected {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new MediaRejected(ReasonCode.UNDECODABLE_MEDIA, "no output " + p.getFileName());
    }
  }

  private static void write(Path p, byte[] b) {
    try {
      Files.write(p, b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
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
