package dev.segmentflow.transcode.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Small generated clips for tests that need a file with particular codecs or a container. */
public final class TestClips {
  private TestClips() {}

  /**
   * Three seconds of 160x120 test pattern at 25 fps (75 frames) with a sine tone, encoded with
   * {@code codecArgs} into {@code file}, whose extension picks the container.
   */
  public static Path threeSeconds(FfmpegTools tools, Path file, List<String> codecArgs) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=160x120:rate=25:duration=3",
                "-f",
                "lavfi",
                "-i",
                "sine=duration=3"));
    args.addAll(codecArgs);
    args.add(file.toString());
    ChildRun.Result made = tools.ffmpeg(args, Duration.ofMinutes(1));
    assertThat(made.ok()).as(made.lastError()).isTrue();
    return file;
  }
}
