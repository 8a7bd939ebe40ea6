package dev.segmentflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user runs it: its own infrastructure under a folder, the demo end to end. */
class SegmentflowCliTest {

  @Test
  void infraComesUpReportsAndGoesDown(@TempDir Path dir) {
    String d = dir.toString();
    assertThat(SegmentflowCli.run("infra", "status", "--dir", d)).isEqualTo(3);
    try {
      assertThat(SegmentflowCli.run("infra", "up", "--dir", d)).isZero();
      assertThat(SegmentflowCli.run("infra", "status", "--dir", d)).isZero();
      assertThat(SegmentflowCli.run("infra", "up", "--dir", d)).as("idempotent").isZero();
    } finally {
      assertThat(SegmentflowCli.run("infra", "down", "--dir", d)).isZero();
    }
    assertThat(SegmentflowCli.run("infra", "status", "--dir", d)).isEqualTo(3);
    assertThat(SegmentflowCli.run("infra", "sideways", "--dir", d)).isEqualTo(1);
  }
}
