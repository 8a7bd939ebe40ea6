package dev.segmentflow.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code segmentflow fault-drill}: real faults against real services, outputs against the truth.
 */
@Command(
    name = "fault-drill",
    mixinStandardHelpOptions = true,
    description = {
      "Start Kafka, ClickHouse, S3 and a Flink session cluster with ZooKeeper HA of its own, run the",
      "intake and transcode jobs from their shaded jars, and for each scenario kill or stop one part",
      "while input flows: the TaskManager (SIGKILL, then a new one), the Kafka broker (SIGKILL, then",
      "restarted on its data), ClickHouse (stopped 30 s), the S3 server (stopped 30 s), the",
      "JobManager (SIGKILL, then a new one). Then every event, dead letter and rendition must be in",
      "ClickHouse exactly once and every job RUNNING by itself. Last line: scenarios=<n> passed=<n>",
      "lost=<rows> duplicated=<rows> max_recovery_s=<s>; exit code 1 unless all passed."
    })
final class FaultDrillCommand implements Callable<Integer> {
  @Option(
      names = "--seconds",
      description =
          "input per scenario besides the fault's own time, half before it and half after"
              + " (default: ${DEFAULT-VALUE})")
  int seconds = 40;

  @Option(names = "--rate", description = "viewer events per second (default: ${DEFAULT-VALUE})")
  int rate = 200;

  @Option(
      names = "--scenarios",
      split = ",",
      description = "which, in order (default: all: taskmanager,kafka,clickhouse,s3,jobmanager)")
  List<String> scenarios = FaultDrill.SCENARIOS;

  @Option(
      names = "--dir",
      description = "where the services keep their data (default: a new temp dir)")
  Path dir;

  @Override
  public Integer call() throws Exception {
    Path work = dir != null ? dir : Files.createTempDirectory("segmentflow-drill-");
    List<FaultDrill.Outcome> outcomes = new ArrayList<>();
    try (FaultDrill drill = new FaultDrill(work, Duration.ofSeconds(seconds), rate, System.out)) {
      drill.start();
      for (String s : scenarios) {
        outcomes.add(drill.run(s));
      }
    }
    long passed = outcomes.stream().filter(FaultDrill.Outcome::passed).count();
    double maxRecovery =
        outcomes.stream().mapToDouble(FaultDrill.Outcome::recoverySeconds).max().orElse(0);
    System.out.printf(
        Locale.ROOT,
        "scenarios=%d passed=%d lost=%d duplicated=%d max_recovery_s=%.1f%n",
        outcomes.size(),
        passed,
        outcomes.stream().mapToLong(FaultDrill.Outcome::lost).sum(),
        outcomes.stream().mapToLong(FaultDrill.Outcome::duplicated).sum(),
        maxRecovery);
    return passed == outcomes.size() ? 0 : 1;
  }
}
