package dev.segmentflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.transcode.ffmpeg.ChildRun;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What the transcode tests ask of a playlist the job stored, answered by ffmpeg. */
final class StoredHls {
  private StoredHls() {}

  /** ffmpeg decodes every video frame of the playlist silently; returns how many. */
  static long decodedFrames(Path playlist, String what) {
    ChildRun.Result r =
        FfmpegTools.bundled()
            .ffmpeg(
                List.of("-i", playlist.toString(), "-map", "0:v:0", "-f", "framemd5", "-"),
                Duration.ofMinutes(2));
    assertThat(r.ok()).as(what + ": " + r.lastError()).isTrue();
    assertThat(r.stderr().strip()).as(what + " decode errors").isEmpty();
    return r.stdout().lines().filter(l -> !l.startsWith("#")).count();
  }
}
