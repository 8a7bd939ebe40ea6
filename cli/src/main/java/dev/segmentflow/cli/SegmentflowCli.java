package dev.segmentflow.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code segmentflow} command line. */
@Command(
    name = "segmentflow",
    mixinStandardHelpOptions = true,
    version = "segmentflow 0.1.0",
    description =
        "Flink jobs for video delivery: transcoding, cache planning, QoE analytics, HLS edge.",
    subcommands = {
      InfraCommand.class,
      IngestCommand.class,
      ReplayManifestCommand.class,
      EdgeCommand.class,
      SignUrlCommand.class,
      SubmitCommand.class,
      SimulateViewersCommand.class,
      ReplayTraceCommand.class,
      StopCommand.class,
      DemoCommand.class,
      FaultDrillCommand.class,
      CommandLine.HelpCommand.class
    })
public final class SegmentflowCli implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return new CommandLine(new SegmentflowCli())
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              cmd.getErr().println("error: " + e.getMessage());
              return 1;
            })
        .execute(args);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return 0;
  }
}
