package dev.segmentflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segmentflow.schemas.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.flink.api.common.JobID;

/** A finished job's completed checkpoints, as Flink's REST API reports them. */
record CheckpointFigures(long count, long maxStateBytes, long p95DurationMillis) {

  static CheckpointFigures of(URI rest, JobID job) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(rest.resolve("/jobs/" + job + "/checkpoints")).build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("checkpoint statistics: HTTP " + r.statusCode());
    }
    JsonNode root = Json.MAPPER.readTree(r.body());
    JsonNode summary = root.path("summary");
    return new CheckpointFigures(
        root.path("counts").path("completed").asLong(),
        summary.path("state_size").path("max").asLong(),
        summary.path("end_to_end_duration").path("p95").asLong());
  }
}
