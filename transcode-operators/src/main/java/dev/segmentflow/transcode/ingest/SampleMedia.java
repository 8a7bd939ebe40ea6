package dev.segmentflow.transcode.ingest;

import dev.segmentflow.transcode.ffmpeg.ChildRun;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The sample videos of the demo and the tests: real footage, and a synthetic clip made here. */
public final class SampleMedia {
  /** Real footage (768x576, 10 fps, 79.5 s, no audio) from Debian's opencv-doc package. */
  public static final Path VTEST = Path.of("/usr/share/doc/opencv-doc/examples/data/vtest.avi");

  private SampleMedia() {}

  public static Path realFootage() {
    if (!Files.isReadable(VTEST)) {
      throw new IllegalStateException(
          VTEST + " is missing: install Debian's opencv-doc (bin/setup does)");
    }
    return VTEST;
  }

  /**
   * A testsrc2 picture with a 440 Hz tone, H.264 with a keyframe every two seconds (so it splits by
   * stream copy), AAC audio when asked.
   */
  public static Path synthetic(
      Path out, double seconds, int width, int height, int fps, boolean audio) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "-f",
            "lavfi",
            "-i",
            String.format(Locale.ROOT, "testsrc2=size=%dx%d:rate=%d", width, height, fps)));
    if (audio) {
      args.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"));
    }
    args.addAll(
        List.of(
            "-t",
            String.format(Locale.ROOT, "%.3f", seconds),
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-g",
            Integer.toString(2 * fps),
            "-pix_fmt",
            "yuv420p"));
    if (audio) {
      args.addAll(List.of("-c:a", "aac", "-b:a", "128k"));
    }
    args.add(out.toString());
    return make(out, args);
  }

  /** Audio without video (a 440 Hz tone, AAC): input the transcoder must refuse. */
  public static Path tone(Path out, double seconds) {
    return make(
        out,
        List.of(
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440",
            "-t",
            String.format(Locale.ROOT, "%.3f", seconds),
            "-c:a",
            "aac",
            out.toString()));
  }

  /** One still picture (PNG): a "video" stream that is not a video. */
  public static Path still(Path out) {
    return make(
        out,
        List.of("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", out.toString()));
  }

  private static Path make(Path out, List<String> args) {
    ChildRun.Result r = FfmpegTools.bundled().ffmpeg(args, Duration.ofMinutes(1));
    if (!r.ok()) {
      throw new IllegalStateException("could not make " + out + ": " + r.lastError());
    }
    return out;
  }
}
