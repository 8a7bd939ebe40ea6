package dev.segmentflow.cli;

import dev.segmentflow.localservices.Infra;
import dev.segmentflow.localservices.S3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
      "'--' go to the job (e.g. --checkpoint-interval-ms 5000). What they leave out is filled from",
      "'segmentflow infra up' under --dir: --bootstrap-servers, --clickhouse-url and, for",
      "transcode, --origin (the store 'segmentflow ingest' writes to) with the S3 endpoint and keys",
      "when the origin is the local S3 server's bucket. A required argument still missing is named",
      "before anything is uploaded."
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
    List<String> args = withInfraDefaults(job, jobArgs, dir);
    List<String> missing = missing(job, args);
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "submit "
              + job
              + " needs "
              + String.join(", ", missing)
              + " (no 'segmentflow infra up' state under "
              + dir
              + " to take it from): pass it after '--'");
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
    String jobId = start(flink, job, jarFile, args, parallelism, savepoint);
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

  /** The arguments every run of {@code job} needs; an s3a:// origin needs its endpoint and keys. */
  static List<String> required(String job, List<String> args) {
    List<String> out = new ArrayList<>(List.of("--bootstrap-servers", "--clickhouse-url"));
    if (job.equals("transcode")) {
      out.add("--origin");
      if (value(args, "--origin").filter(o -> o.startsWith("s3a://")).isPresent()) {
        out.addAll(List.of("--s3-endpoint", "--s3-access-key", "--s3-secret-key"));
      }
    }
    return out;
  }

  static List<String> missing(String job, List<String> args) {
    return required(job, args).stream().filter(a -> !args.contains(a)).toList();
  }

  /**
   * Adds what the local infrastructure knows unless the arguments name their own: Kafka and
   * ClickHouse for every job; for transcode the origin 'segmentflow ingest' writes to by default,
   * and the local S3 server's endpoint and keys for an origin in its bucket.
   */
  static List<String> withInfraDefaults(String job, List<String> jobArgs, Path dir) {
    List<String> args = new ArrayList<>(jobArgs);
    Optional<Infra.State> state = Infra.read(dir);
    if (state.isEmpty()) {
      return args;
    }
    Infra.State infra = state.get();
    putIfAbsent(args, "--bootstrap-servers", infra.kafkaBootstrap());
    putIfAbsent(args, "--clickhouse-url", infra.clickHouseJdbcUrl(InfraCommand.DATABASE));
    if (job.equals("transcode")) {
      putIfAbsent(args, "--origin", dir.resolve("origin").toAbsolutePath().toUri().toString());
      String origin = value(args, "--origin").orElseThrow();
      if (origin.startsWith("s3a://" + infra.s3Bucket() + "/")
          || origin.equals("s3a://" + infra.s3Bucket())) {
        putIfAbsent(args, "--s3-endpoint", infra.s3Endpoint());
        putIfAbsent(args, "--s3-access-key", S3Server.ACCESS_KEY);
        putIfAbsent(args, "--s3-secret-key", S3Server.SECRET_KEY);
      }
    }
    return args;
  }

  private static void putIfAbsent(List<String> args, String name, String value) {
    if (!args.contains(name)) {
      args.add(name);
      args.add(value);
    }
  }

  private static Optional<String> value(List<String> args, String name) {
    int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? Optional.of(args.get(i + 1)) : Optional.empty();
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
