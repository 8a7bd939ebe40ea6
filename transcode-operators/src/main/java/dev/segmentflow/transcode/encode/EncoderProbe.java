package dev.segmentflow.transcode.encode;

import dev.segmentflow.transcode.ffmpeg.ChildRun;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Picks the encoder path by really encoding one frame on each candidate. The encoder list is no
 * guide: the bundled ffmpeg lists h264_nvenc on every machine, and a GPU may decode but not encode.
 */
public final class EncoderProbe {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** What was tried and what it said, for the log and the bench. */
  public record Detection(EncoderPath path, String nvenc, String nvdec) {}

  private EncoderProbe() {}

  public static Detection detect(FfmpegTools tools) {
    ChildRun.Result nvenc =
        tools.ffmpeg(
            List.of(
                "-f",
                "lavfi",
                "-i",
                "color=c=black:s=256x144:r=25",
                "-frames:v",
                "1",
                "-c:v",
                "h264_nvenc",
                "-f",
                "null",
                "-"),
            TIMEOUT);
    if (nvenc.ok()) {
      return new Detection(EncoderPath.NVENC, "ok", "not tried");
    }
    String nvdec = nvdecScaleCuda(tools);
    return new Detection(
        "ok".equals(nvdec) ? EncoderPath.NVDEC_X264 : EncoderPath.CPU, nvenc.lastError(), nvdec);
  }

  /** Decodes a one-frame H.264 clip with h264_cuvid, scales it with scale_cuda, encodes x264. */
  private static String nvdecScaleCuda(FfmpegTools tools) {
    Path dir;
    try {
      dir = Files.createTempDirectory("segmentflow-gpu-probe");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path clip = dir.resolve("one-frame.mp4");
    try {
      ChildRun.Result made =
          tools.ffmpeg(
              List.of(
                  "-f",
                  "lavfi",
                  "-i",
                  "testsrc2=s=256x144:r=25",
                  "-frames:v",
                  "1",
                  "-c:v",
                  "libx264",
                  "-pix_fmt",
                  "yuv420p",
                  clip.toString()),
              TIMEOUT);
      if (!made.ok()) {
        return "could not make the probe clip: " + made.lastError();
      }
      List<String> args = new java.util.ArrayList<>(LadderCommand.cudaDecode("h264_cuvid"));
      args.addAll(
          List.of(
              "-i",
              clip.toString(),
              "-vf",
              "scale_cuda=128:72:format=yuv420p,hwdownload,format=yuv420p",
              "-c:v",
              "libx264",
              "-f",
              "null",
              "-"));
      ChildRun.Result r = tools.ffmpeg(args, TIMEOUT);
      return r.ok() ? "ok" : r.lastError();
    } finally {
      try {
        Files.deleteIfExists(clip);
        Files.deleteIfExists(dir);
      } catch (IOException ignored) {
        // a temp file left behind is harmless
      }
    }
  }
}
