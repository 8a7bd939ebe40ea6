package dev.segmentflow.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code segmentflow stop <job-id>}: stop-with-savepoint, to upgrade or move a job safely. */
@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description = {
      "Stop a running job with a savepoint (what 'flink stop' does) and print its location;",
      "resume with: segmentflow submit <job> --from-savepoint <location>."
    })
final class StopCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "the job id")
  String jobId;

  @Option(
      names = "--rest",
      description = "the JobManager's REST endpoint (default: ${DEFAULT-VALUE})")
  String rest = "http://localhost:8081";

  @Option(
      names = "--savepoint-dir",
      description = "where to write it (default: the cluster's state.savepoints.dir)")
  String savepointDir;

  @Option(
      names = "--drain",
      description = "fire all event-time timers first (for a job you will not resume)")
  boolean drain;

  @Override
  public Integer call() {
    FlinkRestClient flink = new FlinkRestClient(rest);
    System.out.println("stopping " + jobId + " with a savepoint ...");
    String location = flink.stopWithSavepoint(jobId, savepointDir, drain, Duration.ofMinutes(5));
    System.out.println("savepoint: " + location);
    return 0;
  }
}
