package dev.segmentflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI in the test's JVM as a user would from a shell, keeping what it printed. */
public final class CliRun {
  private CliRun() {}

  /** Runs {@code segmentflow args...}; fails (showing the output) unless it exits 0. */
  public static String ok(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = SegmentflowCli.run(args);
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    original.println(out);
    assertThat(exit).as(out).isZero();
    return out;
  }
}
