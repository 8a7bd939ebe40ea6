package dev.segmentflow.transcode.encode;

import dev.segmentflow.transcode.ffmpeg.ChildRun;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PSNR and SSIM of a rendition against its source segment, measured at the source's size (the
 * rendition scaled up, as a player on a source-sized screen would show it), frame by frame.
 */
public final class QualityMeter {
  private static final Pattern PSNR = Pattern.compile("PSNR .*average:(inf|[0-9.]+)");
  private static final Pattern SSIM = Pattern.compile("SSIM .*All:([0-9.]+)");

  /** Identical pictures have infinite PSNR; reported as this. */
  static final double PSNR_CEILING = 100.0;

  private final FfmpegTools tools;
  private final Duration timeout;

  public QualityMeter(FfmpegTools tools, Duration timeout) {
    this.tools = tools;
    this.timeout = timeout;
  }

  public record Quality(double psnr, double ssim) {}

  public Optional<Quality> measure(Path rendition, Path source, int sourceWidth, int sourceHeight) {
    // Both start at zero: the rendition carries the timeline offset, the source segment its own.
    String graph =
        "[0:v]setpts=PTS-STARTPTS,scale="
            + sourceWidth
            + ":"
            + sourceHeight
            + ":flags=bicubic,format=yuv420p,split[d1][d2];"
            + "[1:v]setpts=PTS-STARTPTS,format=yuv420p,split[r1][r2];"
            + "[d1][r1]psnr;[d2][r2]ssim";
    ChildRun.Result r =
        tools.ffmpeg(
            "info",
            List.of(
                "-i",
                rendition.toString(),
                "-i",
                source.toString(),
                "-lavfi",
                graph,
                "-f",
                "null",
                "-"),
            timeout);
    if (!r.ok()) {
      return Optional.empty();
    }
    return parse(r.stderr());
  }

  static Optional<Quality> parse(String log) {
    Matcher p = PSNR.matcher(log);
    Matcher s = SSIM.matcher(log);
    if (!p.find() || !s.find()) {
      return Optional.empty();
    }
    double psnr = p.group(1).equals("inf") ? PSNR_CEILING : Double.parseDouble(p.group(1));
    return Optional.of(new Quality(Math.min(psnr, PSNR_CEILING), Double.parseDouble(s.group(1))));
  }
}
