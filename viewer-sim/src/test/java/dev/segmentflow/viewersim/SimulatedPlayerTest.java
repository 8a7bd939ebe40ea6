package dev.segmentflow.viewersim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.edge.EdgeConfig;
import dev.segmentflow.edge.EdgeServer;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import dev.segmentflow.schemas.kafka.TopicCreator;
import dev.segmentflow.testkit.RealServices;
import dev.segmentflow.transcode.encode.VodPackager;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.ingest.SampleMedia;
import dev.segmentflow.transcode.store.OriginStore;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated players streaming a real HLS ladder from a real edge: a fast link climbs the ladder, a
 * link slower than the lowest rung stalls, and what they report arrives on viewer.events, with
 * their CMCD session on the edge's request log.
 */
@ExtendWith(RealServices.class)
class SimulatedPlayerTest {
  @TempDir Path dir;

  @Test
  void fastPlayersClimbSlowPlayersStallAndBothAreReported(KafkaBroker kafka) throws Exception {
    Path origin = dir.resolve("origin");
    Path clip = SampleMedia.synthetic(dir.resolve("clip.mp4"), 24, 640, 360, 24, true);
    try (OriginStore store = OriginStore.open(OriginStore.Config.local(origin))) {
      VodPackager.quick(FfmpegTools.bundled(), List.of("360p", "240p"), store)
          .packageFile(clip, "sim1", 2, dir.resolve("work"), s -> {});
    }
    TopicCreator.ensure(kafka.bootstrapServers(), EdgeServer.topics(), (short) 1);
    EdgeConfig config =
        EdgeConfig.of(
            Map.of(
                "port",
                "0",
                "edge-id",
                "edge-sim",
                "region",
                "us",
                "origin",
                origin.toUri().toString(),
                "bootstrap-servers",
                kafka.bootstrapServers(),
                "spool-dir",
                dir.resolve("spool").toString()));
    HttpClient http = HttpClient.newHttpClient();
    SimulatedPlayer.Report fast;
    SimulatedPlayer.Report slow;
    try (EdgeServer edge = new EdgeServer(config, Clock.systemUTC()).start()) {
      String url = "http://localhost:" + edge.port();
      // A short reservoir and cushion: the 24 s clip is shorter than the standard 30 s climb.
      fast =
          new SimulatedPlayer(
                  http,
                  new BufferBasedAbr(2, 6),
                  System::currentTimeMillis,
                  new SimulatedPlayer.Session(
                      url, "us", "sim1", "sim-fast", "v1", "tv", 50_000, 12))
              .play();
      slow =
          new SimulatedPlayer(
                  http,
                  BufferBasedAbr.standard(),
                  System::currentTimeMillis,
                  new SimulatedPlayer.Session(
                      url, "us", "sim1", "sim-slow", "v2", "mobile", 250, 4))
              .play();
    }
    assertThat(fast.error()).isNull();
    assertThat(fast.segments()).isEqualTo(12);
    assertThat(fast.switches()).as("climbed from the lowest rung").isPositive();
    assertThat(fast.stalls()).isZero();
    assertThat(fast.startupMs()).isNotNull();
    assertThat(slow.error()).isNull();
    assertThat(slow.segments()).isEqualTo(4);
    assertThat(slow.stalls()).as("250 kbps is below the lowest rung").isPositive();
    assertThat(slow.stallMs()).isPositive();
    assertThat(slow.switches()).isZero();
    assertThat(fast.beaconsRefused() + slow.beaconsRefused()).isZero();

    List<ViewerEvent> events =
        kafka.readCommitted(Topics.VIEWER_EVENTS).stream()
            .map(b -> Json.read(b, ViewerEvent.class))
            .filter(e -> e.sessionId().startsWith("sim-"))
            .toList();
    Map<String, Set<ViewerEventType>> types =
        events.stream()
            .filter(e -> !e.viewerId().startsWith("cmcd:"))
            .collect(
                Collectors.groupingBy(
                    ViewerEvent::sessionId,
                    Collectors.mapping(ViewerEvent::type, Collectors.toSet())));
    assertThat(types.get("sim-fast"))
        .contains(
            ViewerEventType.PLAY_REQUEST,
            ViewerEventType.FIRST_FRAME,
            ViewerEventType.BITRATE_SWITCH,
            ViewerEventType.END);
    assertThat(types.get("sim-slow"))
        .contains(ViewerEventType.STALL_START, ViewerEventType.STALL_END, ViewerEventType.END);
    // CMCD on each request became a heartbeat with the buffer the player reported
    assertThat(events.stream().filter(e -> e.viewerId().equals("cmcd:sim-fast")).count())
        .isGreaterThanOrEqualTo(12);
    List<EdgeRequest> requests =
        kafka.readCommitted(Topics.EDGE_REQUESTS).stream()
            .map(b -> Json.read(b, EdgeRequest.class))
            .filter(r -> "sim-slow".equals(r.sessionId()))
            .toList();
    assertThat(requests).extracting(EdgeRequest::status).containsOnly(200);
    assertThat(requests.stream().filter(r -> r.objectType() == EdgeRequest.ObjectType.SEGMENT))
        .hasSize(4);
  }
}
