package dev.segmentflow.cli;

import dev.segmentflow.localservices.Infra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code segmentflow submit <job> [-- job arguments]}: uploads a job jar to Flink and runs it. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Upload a shaded job jar to a Flink cluster's REST endpoint and run it (what 'flink run'",
      "does). Jobs: event-intake, popularity, qoe, recommendation, transcode. Arguments after",
      "'--' go to the job (e.g. --checkpoint-interval-ms 5000). Without --bootstrap-servers or",
      "--clickhouse-url among them, those of 'segmentflow infra up' under --dir are passed."
    })
final class SubmitCommand implements Callable<Integer> {
  /** Job name to the main class its jar's manifest names. */
  static final Map<String, String> JOBS =
      Map.of(
          "event-intake", "dev.segmentflow.jobs.EventIntakeJob",
          "popularity", "dev.segmentflow.jobs.PopularityJob",
          "qoe", "dev.segmentflow.jobs.QoeJob",
          "recommendation", "dev.segmentflow.jobs.RecommendationJob",
          "transcode", "dev.segmentflow.jobs.TranscodeJob");

  @Parameters(
      index = "0",
      description = "the job: ${COMPLETION-CANDIDATES}",
      completionCandidates = JobNames.class)
  String job;

  @Parameters(index = "1..*", description = "arguments for the job's main")
  List<String> jobArgs = new ArrayList<>();

  @Option(
      names = "--rest",
      description = "the JobManager's REST endpoint (default: ${DEFAULT-VALUE})")
  String rest = "http://localhost:8081";

  @Option(
      names = "--jar",
      description = "the job jar (default: jobs/target/segmentflow-<job>-job-*.jar)")
  Path jar;

  @Option(names = "--parallelism", description = "job parallelism (default: the cluster's)")
  Integer parallelism;

  @Option(names = "--from-savepoint", description = "restore from this savepoint or checkpoint")
  String savepoint;

  @Option(names = "--dir", description = "the infrastructure folder (default: ${DEFAULT-VALUE})")
  Path dir = Path.of(".segmentflow");

  @Override
  public Integer call() {
    if (!JOBS.containsKey(job)) {
      throw new IllegalArgumentException(
          "unknown job '" + job + "': use one of " + new java.util.TreeSet<>(JOBS.keySet()));
    }
    Path jarFile = jar != null ? jar : jarOf(job);
    if (!Files.isRegularFile(jarFile)) {
      throw new IllegalArgumentException(
          jarFile + " does not exist: build it with 'mvn -pl jobs -am package -DskipTests'");
    }
    FlinkRestClient flink = new FlinkRestClient(rest);
    System.out.printf("[1/3] Flink %s at %s%n", flink.flinkVersion(), rest);
    System.out.printf("[2/3] uploading %s (%.1f MB)%n", jarFile.getFileName(), sizeMb(jarFile));
    System.out.printf(
        "[3/3] running %s%s; waiting for RUNNING%n",
        JOBS.get(job), savepoint == null ? "" : " from " + savepoint);
    String jobId =
        start(flink, job, jarFile, withInfraDefaults(jobArgs, dir), parallelism, savepoint);
    System.out.println(jobId + " RUNNING");
    System.out.println("stop it with a savepoint: segmentflow stop " + jobId + " --rest " + rest);
    return 0;
  }

  /** Uploads the job's jar, runs its main and waits for RUNNING; returns the job id. */
  static String start(
      FlinkRestClient flink,
      String job,
      Path jar,
      List<String> args,
      Integer parallelism,
      String savepoint) {
    String jobId = flink.run(flink.uploadJar(jar), JOBS.get(job), args, parallelism, savepoint);
    flink.awaitState(jobId, "RUNNING", Duration.ofMinutes(2));
    return jobId;
  }

  static Path jarOf(String job) {
    Path home = Path.of(System.getProperty("segmentflow.home", "."));
    return home.resolve("jobs/target/segmentflow-" + job + "-job-0.1.0-SNAPSHOT.jar");
  }

  /** Adds the local infrastructure's endpoints unless the arguments name their own. */
  static List<String> withInfraDefaults(List<String> jobArgs, Path dir) {
    List<String> args = new ArrayList<>(jobArgs);
    var infra = Infra.read(dir);
    if (infra.isPresent()) {
      if (!args.contains("--bootstrap-servers")) {
        args.add("--bootstrap-servers");
        args.add(infra.get().kafkaBootstrap());
      }
      if (!args.contains("--clickhouse-url")) {
        args.add("--clickhouse-url");
        args.add(infra.get().clickHouseJdbcUrl(InfraCommand.DATABASE));
      }
    }
    return args;
  }

  private static double sizeMb(Path p) {
    try {
      return Files.size(p) / 1e6;
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  static final class JobNames extends ArrayList<String> {
    JobNames() {
      super(new java.util.TreeSet<>(JOBS.keySet()));
    }
  }
}
