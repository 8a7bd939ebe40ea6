package dev.segmentflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The parts of Flink's REST API that {@code flink run} and {@code flink stop} use: upload a jar,
 * run it, watch the job, stop it with a savepoint. Errors carry Flink's own message.
 */
public final class FlinkRestClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TERMINAL = Set.of("FAILED", "CANCELED", "FINISHED", "SUSPENDED");

  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public FlinkRestClient(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  /** Flink's version, which also proves the endpoint is a Flink JobManager. */
  public String flinkVersion() {
    return get("/config").path("flink-version").asText();
  }

  /** {@code POST /jars/upload}; returns the jar id the cluster gave it. */
  public String uploadJar(Path jar) {
    String boundary = "segmentflow-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      body.write(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                  + jar.getFileName()
                  + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      body.write(Files.readAllBytes(jar));
      body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jar, e);
    }
    JsonNode r =
        send(
            HttpRequest.newBuilder(uri("/jars/upload"))
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build());
    String file = r.path("filename").asText();
    return file.substring(file.lastIndexOf('/') + 1);
  }

  /**
   * {@code POST /jars/:id/run}; returns the job id. A savepoint path restores the job from it;
   * state that no operator claims fails the submission rather than being dropped.
   */
  public String run(
      String jarId, String entryClass, List<String> args, Integer parallelism, String savepoint) {
    ObjectNode req = JSON.createObjectNode();
    if (entryClass != null) {
      req.put("entryClass", entryClass);
    }
    req.putArray("programArgsList")
        .addAll(args.stream().map(JSON.getNodeFactory()::textNode).toList());
    if (parallelism != null) {
      req.put("parallelism", parallelism);
    }
    if (savepoint != null) {
      req.put("savepointPath", savepoint);
      req.put("allowNonRestoredState", false);
    }
    return post("/jars/" + jarId + "/run", req).path("jobid").asText();
  }

  /** Ids of the jobs that are not yet in a terminal state. */
  public List<String> activeJobs() {
    List<String> out = new java.util.ArrayList<>();
    for (JsonNode j : get("/jobs").path("jobs")) {
      if (!TERMINAL.contains(j.path("status").asText())) {
        out.add(j.path("id").asText());
      }
    }
    return out;
  }

  /** How often the job has restarted since its JobManager took it on (Flink's numRestarts). */
  public long restarts(String jobId) {
    for (JsonNode m : get("/jobs/" + jobId + "/metrics?get=numRestarts")) {
      return m.path("value").asLong();
    }
    return 0;
  }

  public String state(String jobId) {
    return get("/jobs/" + jobId).path("state").asText();
  }

  /** Waits for {@code want}, failing at once if the job reaches another terminal state. */
  public void awaitState(String jobId, String want, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String state = "";
    while (System.nanoTime() < deadline) {
      state = state(jobId);
      if (state.equals(want)) {
        return;
      }
      if (TERMINAL.contains(state)) {
        throw new IllegalStateException(
            "job " + jobId + " is " + state + ", not " + want + exceptionOf(jobId));
      }
      sleep(250);
    }
    throw new IllegalStateException(
        "job " + jobId + " still " + state + " after " + timeout + ", not " + want);
  }

  /**
   * {@code POST /jobs/:id/stop}, then polls the operation; returns the savepoint's location. With
   * {@code drain} the sources first emit the maximum watermark, so every event-time window and
   * timer fires: for a job that will not be resumed.
   */
  public String stopWithSavepoint(
      String jobId, String targetDirectory, boolean drain, Duration timeout) {
    ObjectNode req = JSON.createObjectNode();
    req.put("drain", drain);
    if (targetDirectory != null) {
      req.put("targetDirectory", targetDirectory);
    }
    String trigger = post("/jobs/" + jobId + "/stop", req).path("request-id").asText();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode r = get("/jobs/" + jobId + "/savepoints/" + trigger);
      if ("COMPLETED".equals(r.path("status").path("id").asText())) {
        JsonNode op = r.path("operation");
        if (op.has("failure-cause")) {
          throw new IllegalStateException(
              "stop-with-savepoint of "
                  + jobId
                  + " failed: "
                  + op.path("failure-cause")
                      .path("stack-trace")
                      .asText()
                      .lines()
                      .findFirst()
                      .orElse(""));
        }
        return op.path("location").asText();
      }
      sleep(250);
    }
    throw new IllegalStateException("no savepoint of " + jobId + " within " + timeout);
  }

  public void cancel(String jobId) {
    send(
        HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
            .timeout(Duration.ofSeconds(30))
            .method("PATCH", HttpRequest.BodyPublishers.noBody())
            .build());
  }

  private String exceptionOf(String jobId) {
    try {
      String root = get("/jobs/" + jobId + "/exceptions").path("root-exception").asText();
      return root.isEmpty() ? "" : ": " + rootCause(root);
    } catch (RuntimeException e) {
      return "";
    }
  }

  /**
   * The innermost cause in a Java stack trace as Flink's REST API returns it (the last "Caused by:"
   * line, else the first line), without the trace: what a person needs to fix a submission.
   */
  static String rootCause(String trace) {
    String root = null;
    String first = null;
    for (String line : trace.split("\\R")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("at ") || l.startsWith("...")) {
        continue;
      }
      if (first == null) {
        first = l;
      }
      if (l.startsWith("Caused by: ")) {
        root = l.substring("Caused by: ".length());
      }
    }
    String cause = root != null ? root : first != null ? first : trace.strip();
    return cause.length() > 500 ? cause.substring(0, 500) + "..." : cause;
  }

  private JsonNode get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  private JsonNode post(String path, JsonNode body) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofMinutes(2))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build());
  }

  private URI uri(String path) {
    return URI.create(baseUrl + path);
  }

  private JsonNode send(HttpRequest request) {
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot reach Flink at " + baseUrl + " (" + e.getClass().getSimpleName() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted calling " + request.uri(), e);
    }
    JsonNode body;
    try {
      body = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(
          request.method() + " " + request.uri() + " answered " + r.statusCode() + ", not JSON");
    }
    if (r.statusCode() >= 300) {
      List<String> causes = new java.util.ArrayList<>();
      body.path("errors").forEach(e -> causes.add(rootCause(e.asText())));
      throw new IllegalStateException(
          request.method()
              + " "
              + request.uri().getPath()
              + " failed with "
              + r.statusCode()
              + ": "
              + String.join("; ", causes));
    }
    return body;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
