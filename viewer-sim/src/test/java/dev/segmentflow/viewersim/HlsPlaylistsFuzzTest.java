package dev.segmentflow.viewersim;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.segmentflow.testkit.FuzzRuns;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;

/**
 * The players' playlist parsers, fuzzed: a playlist is read or refused with an
 * IllegalArgumentException, and what is read can be played (finite, non-negative durations).
 */
class HlsPlaylistsFuzzTest {
  private static final URI BASE = URI.create("http://edge.test/hls/a1/");

  @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
  void master(FuzzedDataProvider data) {
    FuzzRuns.count("master");
    try {
      for (HlsPlaylists.Variant v : HlsPlaylists.master(BASE, data.consumeRemainingAsString())) {
        assertThat(v.bandwidthBps()).isNotNegative();
        assertThat(v.uri()).isNotNull();
      }
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
  void media(FuzzedDataProvider data) {
    FuzzRuns.count("media");
    try {
      HlsPlaylists.Media m = HlsPlaylists.media(BASE, data.consumeRemainingAsString());
      for (HlsPlaylists.Segment s : m.segments()) {
        assertThat(s.durationSeconds()).isFinite().isNotNegative();
        assertThat(s.uri()).isNotNull();
      }
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  @AfterAll
  static void reportExecutions() {
    FuzzRuns.print();
  }
}
