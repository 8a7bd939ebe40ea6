package dev.segmentflow.transcode.hls;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.segmentflow.testkit.FuzzRuns;
import org.junit.jupiter.api.AfterAll;

/**
 * The RFC 8216 rule checks, fuzzed: any text gets a list of findings, never an exception, and a
 * text that is not a playlist at all is never found clean.
 */
class PlaylistRulesFuzzTest {

  @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
  void media(FuzzedDataProvider data) {
    FuzzRuns.count("media");
    String text = data.consumeRemainingAsString();
    var findings = PlaylistRules.media(text);
    if (!text.startsWith("#EXTM3U")) {
      assertThat(findings).isNotEmpty();
    }
  }

  @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
  void master(FuzzedDataProvider data) {
    FuzzRuns.count("master");
    String text = data.consumeRemainingAsString();
    var findings = PlaylistRules.master(text);
    if (!text.startsWith("#EXTM3U")) {
      assertThat(findings).isNotEmpty();
    }
  }

  @AfterAll
  static void reportExecutions() {
    FuzzRuns.print();
  }
}
