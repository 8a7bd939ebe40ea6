package dev.segmentflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.edge.EdgeConfig;
import dev.segmentflow.edge.EdgeServer;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.kafka.TopicCreator;
import dev.segmentflow.testkit.RealServices;
import dev.segmentflow.transcode.encode.VodPackager;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.ingest.SampleMedia;
import dev.segmentflow.transcode.store.OriginStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A recorded request log, replayed against a real edge: the second pass is served from cache. */
@ExtendWith(RealServices.class)
class ReplayTraceCommandTest {
  @TempDir Path dir;

  @Test
  void replaysTheGetsOfATraceAndReportsTheCache(KafkaBroker kafka) throws Exception {
    Path origin = dir.resolve("origin");
    Path clip = SampleMedia.synthetic(dir.resolve("clip.mp4"), 6, 320, 240, 24, false);
    try (OriginStore store = OriginStore.open(OriginStore.Config.local(origin))) {
      VodPackager.quick(FfmpegTools.bundled(), List.of("240p"), store)
          .packageFile(clip, "r1", 2, dir.resolve("work"), s -> {});
    }
    TopicCreator.ensure(kafka.bootstrapServers(), EdgeServer.topics(), (short) 1);
    List<String> lines = new ArrayList<>();
    long t = 1_700_000_000_000L;
    for (String path : List.of("/hls/r1/master.m3u8", "/hls/r1/240p/index.m3u8")) {
      lines.add(Json.string(request(path, "GET", t += 100, null)));
    }
    // A line naming its session: the edge gets it as CMCD, as it would from a player.
    lines.add(Json.string(request("/hls/r1/240p/000000.ts", "GET", t += 100, "viewer-7")));
    lines.add(Json.string(request("/hls/r1/240p/000001.ts", "HEAD", t += 100, null)));
    lines.add("{\"path\":\"/hls/r1/240p/000001.ts\",\"request_time_ms\":" + (t += 100) + "}");
    lines.add("not json");
    Path trace = dir.resolve("trace.jsonl");
    Files.write(trace, lines);

    try (EdgeServer edge =
        new EdgeServer(
                EdgeConfig.of(
                    Map.of(
                        "port", "0",
                        "origin", origin.toUri().toString(),
                        "bootstrap-servers", kafka.bootstrapServers(),
                        "spool-dir", dir.resolve("spool").toString())),
                Clock.systemUTC())
            .start()) {
      String url = "http://localhost:" + edge.port();
      String first =
          CliRun.ok("replay-trace", "--edge", url, "--trace", trace.toString(), "--speed", "0");
      assertThat(first).contains("replaying 4 requests").contains("skipped 2 lines");
      assertThat(first).contains("status codes: {200=4}").contains("cache status: {MISS=");
      assertThat(edge.metrics().get("edge_cmcd_events_total")).isEqualTo(1);
      String second =
          CliRun.ok("replay-trace", "--edge", url, "--trace", trace.toString(), "--speed", "50");
      assertThat(second).contains("hit ratio 1.000 by requests, 1.000 by bytes");
    }
  }

  static EdgeRequest request(String path, String method, long at, String sessionId) {
    return new EdgeRequest(
        EdgeRequest.VERSION,
        "r-" + at,
        "edge-rec",
        "eu",
        method,
        path,
        "r1",
        null,
        null,
        EdgeRequest.ObjectType.OTHER,
        200,
        EdgeRequest.CacheStatus.MISS,
        0,
        0,
        null,
        sessionId,
        at);
  }
}
