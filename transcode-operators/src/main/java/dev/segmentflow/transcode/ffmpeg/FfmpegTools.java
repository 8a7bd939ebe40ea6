package dev.segmentflow.transcode.ffmpeg;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Loader;

/**
 * The ffmpeg and ffprobe executables bundled with javacv, unpacked once per JVM and run as child
 * processes. A child process, unlike in-JVM libav calls, can be killed when it hangs on bad input.
 */
public final class FfmpegTools {
  private static volatile FfmpegTools instance;

  private final Path ffmpeg;
  private final Path ffprobe;

  private FfmpegTools(Path ffmpeg, Path ffprobe) {
    this.ffmpeg = ffmpeg;
    this.ffprobe = ffprobe;
  }

  public static FfmpegTools bundled() {
    FfmpegTools t = instance;
    if (t == null) {
      synchronized (FfmpegTools.class) {
        t = instance;
        if (t == null) {
          t =
              new FfmpegTools(
                  Path.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class)),
                  Path.of(Loader.load(org.bytedeco.ffmpeg.ffprobe.class)));
          instance = t;
        }
      }
    }
    return t;
  }

  public Path ffmpeg() {
    return ffmpeg;
  }

  public Path ffprobe() {
    return ffprobe;
  }

  /** The bundled executables find their shared libraries next to themselves. */
  public Map<String, String> environment() {
    return Map.of("LD_LIBRARY_PATH", ffmpeg.getParent().toString());
  }

  /** Runs ffmpeg with the arguments after the common ones (no stdin, no banner, errors only). */
  public ChildRun.Result ffmpeg(List<String> args, Duration timeout) {
    return ffmpeg("error", args, timeout);
  }

  /** As {@link #ffmpeg(List, Duration)} at another log level (filters print summaries at info). */
  public ChildRun.Result ffmpeg(String logLevel, List<String> args, Duration timeout) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ffmpeg.toString());
    cmd.addAll(List.of("-nostdin", "-hide_banner", "-nostats", "-loglevel", logLevel, "-y"));
    cmd.addAll(args);
    return ChildRun.run(cmd, environment(), timeout);
  }

  public ChildRun.Result ffprobe(List<String> args, Duration timeout) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ffprobe.toString());
    cmd.addAll(List.of("-hide_banner", "-loglevel", "error"));
    cmd.addAll(args);
    return ChildRun.run(cmd, environment(), timeout);
  }
}
