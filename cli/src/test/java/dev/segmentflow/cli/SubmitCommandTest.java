package dev.segmentflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.localservices.Infra;
import dev.segmentflow.localservices.S3Server;
import dev.segmentflow.schemas.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmitCommandTest {

  /** The state 'infra up' would have written, without starting anything. */
  static Path infraState(Path dir) throws Exception {
    Files.createDirectories(dir);
    Infra.State s =
        new Infra.State(
            dir.toString(), "127.0.0.1:19092", 1, 18123, 2, "http://127.0.0.1:18080", "media", 3);
    Files.write(dir.resolve("infra.json"), Json.bytes(s));
    return dir;
  }

  @Test
  void aMissingArgumentIsNamedInOneLineBeforeAnythingIsUploaded(@TempDir Path dir) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit;
    try {
      // No infra state and a REST port nobody listens on: reaching Flink would fail differently.
      exit =
          SegmentflowCli.run(
              "submit",
              "transcode",
              "--rest",
              "http://127.0.0.1:9",
              "--dir",
              dir.toString(),
              "--jar",
              dir.resolve("job.jar").toString(),
              "--",
              "--bootstrap-servers",
              "k:9092",
              "--clickhouse-url",
              "jdbc:clickhouse://c:8123/db");
    } finally {
      System.setErr(original);
    }
    String out = err.toString(StandardCharsets.UTF_8);
    assertThat(exit).isEqualTo(1);
    assertThat(out.strip().lines()).hasSize(1);
    assertThat(out).contains("submit transcode needs --origin").doesNotContain("Exception");
  }

  @Test
  void theInfrastructureFillsTheTranscodeJobsOriginKafkaAndClickHouse(@TempDir Path dir)
      throws Exception {
    List<String> args = SubmitCommand.withInfraDefaults("transcode", List.of(), infraState(dir));
    assertThat(SubmitCommand.missing("transcode", args)).isEmpty();
    assertThat(args)
        .containsSubsequence("--bootstrap-servers", "127.0.0.1:19092")
        .containsSubsequence("--origin", dir.resolve("origin").toAbsolutePath().toUri().toString())
        .doesNotContain("--s3-endpoint");
  }

  @Test
  void anOriginInTheLocalBucketGetsItsEndpointAndKeys(@TempDir Path dir) throws Exception {
    List<String> args =
        SubmitCommand.withInfraDefaults(
            "transcode", List.of("--origin", "s3a://media/vod"), infraState(dir));
    assertThat(SubmitCommand.missing("transcode", args)).isEmpty();
    assertThat(args)
        .containsSubsequence("--s3-endpoint", "http://127.0.0.1:18080")
        .containsSubsequence("--s3-access-key", S3Server.ACCESS_KEY);
    List<String> elsewhere =
        SubmitCommand.withInfraDefaults(
            "transcode", List.of("--origin", "s3a://someone-else/vod"), infraState(dir));
    assertThat(SubmitCommand.missing("transcode", elsewhere))
        .containsExactly("--s3-endpoint", "--s3-access-key", "--s3-secret-key");
  }

  @Test
  void aFlinkErrorIsReducedToItsRootCause() {
    String trace =
        "org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute"
            + " application.\n\tat org.apache.flink.Foo.bar(Foo.java:1)\n"
            + "Caused by: org.apache.flink.client.program.ProgramInvocationException: The main"
            + " method caused an error\n\tat x.y(Z.java:2)\n\t... 12 more\n"
            + "Caused by: java.lang.RuntimeException: No data for required key 'origin'\n"
            + "\tat org.apache.flink.api.java.utils.ParameterTool.getRequired(ParameterTool.java:3)";
    assertThat(FlinkRestClient.rootCause(trace))
        .isEqualTo("java.lang.RuntimeException: No data for required key 'origin'");
    assertThat(FlinkRestClient.rootCause("Not found: /jars/x")).isEqualTo("Not found: /jars/x");
  }
}
