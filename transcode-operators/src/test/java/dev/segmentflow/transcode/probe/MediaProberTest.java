package dev.segmentflow.transcode.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.ffmpeg.TestClips;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MediaProberTest {
  private static final FfmpegTools TOOLS = FfmpegTools.bundled();
  private final MediaProber prober = new MediaProber(TOOLS, Duration.ofMinutes(1));

  /**
   * The one-run probe a source segment gets says what the two separate runs say, with audio packets
   * interleaved in the file: an MP4 with B-frames, and an AVI whose packets carry no times.
   */
  @ParameterizedTest
  @ValueSource(strings = {"mp4", "avi"})
  void oneRunDescribesAndListsPacketsAsTwoRunsDo(String container, @TempDir Path dir)
      throws Exception {
    Path file =
        TestClips.threeSeconds(
            TOOLS,
            dir.resolve("clip." + container),
            container.equals("avi")
                ? List.of("-bf", "2", "-g", "20", "-c:v", "mpeg4", "-c:a", "mp3")
                : List.of("-bf", "2", "-g", "20", "-c:v", "libx264", "-c:a", "aac"));

    MediaProber.Probed probed = prober.probeWithPackets(file);

    assertThat(probed.probe()).isEqualTo(prober.probe(file));
    assertThat(probed.probe().hasAudio()).isTrue();
    assertThat(probed.videoPackets()).isEqualTo(prober.videoPackets(file)).hasSize(75);
    assertThat(probed.videoPackets().get(0).keyframe()).isTrue();
  }
}
