package dev.segmentflow.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.jobs.demo.SampleViewerEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  @Test
  void demoReconcilesWhatItSentWithWhatLanded(@TempDir Path dir) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      exit =
          SegmentflowCli.run("demo", "--dir", dir.toString(), "--sessions", "300", "--seed", "11");
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    original.println(out);
    assertThat(exit).isZero();
    Matcher valid =
        Pattern.compile(
                "valid rows in viewer_events: (\\d+) \\(valid events sent this run: (\\d+)\\)")
            .matcher(out);
    assertThat(valid.find()).as(out).isTrue();
    assertThat(valid.group(1)).isEqualTo(valid.group(2));
    long malformed =
        SampleViewerEvents.generate(11, 300, 0).stream().filter(l -> l.expected() != null).count();
    assertThat(malformed).isPositive();
    Matcher dlq =
        Pattern.compile("^\\s+([A-Z_]+)\\s+(\\d+) / (\\d+)$", Pattern.MULTILINE).matcher(out);
    long letters = 0;
    while (dlq.find()) {
      assertThat(dlq.group(2)).as(dlq.group(1)).isEqualTo(dlq.group(3));
      letters += Long.parseLong(dlq.group(2));
    }
    assertThat(letters).isEqualTo(malformed);
    assertThat(out).contains("[5/5]").contains("infra stopped");
  }
}
