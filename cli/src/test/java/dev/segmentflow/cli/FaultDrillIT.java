package dev.segmentflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault drill, shortened (16 s of input per scenario besides the fault): all five real faults,
 * the jobs from their shaded jars, every row exactly once and every job back to RUNNING by itself.
 */
class FaultDrillIT {
  @TempDir Path dir;

  @Test
  void everyFaultEndsWithEveryRowOnceAndEveryJobRunning() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
    List<FaultDrill.Outcome> outcomes = new ArrayList<>();
    try (FaultDrill drill = new FaultDrill(dir, Duration.ofSeconds(16), 100, out)) {
      drill.start();
      for (String scenario : FaultDrill.SCENARIOS) {
        outcomes.add(drill.run(scenario));
      }
    } finally {
      System.out.print(log.toString(StandardCharsets.UTF_8));
    }
    assertThat(outcomes).hasSize(5);
    for (FaultDrill.Outcome o : outcomes) {
      assertThat(o.produced()).as(o.scenario() + " produced input").isGreaterThan(1000);
      assertThat(o.renditionsExpected()).as(o.scenario() + " sent segments").isPositive();
      assertThat(o.passed()).as(o.line()).isTrue();
      assertThat(o.recoverySeconds()).as(o.scenario() + " recovered").isLessThan(240);
    }
  }
}
