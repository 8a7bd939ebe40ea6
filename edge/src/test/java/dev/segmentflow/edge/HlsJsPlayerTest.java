package dev.segmentflow.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.kafka.TopicCreator;
import dev.segmentflow.testkit.BrowserPlayer;
import dev.segmentflow.testkit.RealServices;
import dev.segmentflow.transcode.encode.VodPackager;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.ingest.SampleMedia;
import dev.segmentflow.transcode.store.OriginStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real player against the edge: hls.js from npm in Debian's headless Chromium (driven by
 * playwright-core, see {@link BrowserPlayer}) plays a 20 s asset in real time with CMCD on. The
 * page is served from another origin, so the edge's CORS answers are what lets it play at all.
 * {@code bin/setup} installs Chromium and the npm packages; without them this test fails rather
 * than skipping.
 */
@ExtendWith(RealServices.class)
class HlsJsPlayerTest {
  static final double PLAY_SECONDS = 10.5;

  @TempDir static Path dir;
  static KafkaBroker kafka;
  static EdgeServer edge;
  static String base;

  @BeforeAll
  static void packageAnAssetAndStartTheEdge(KafkaBroker broker) throws Exception {
    kafka = broker;
    Path origin = dir.resolve("origin");
    Files.createDirectories(origin);
    FfmpegTools tools = FfmpegTools.bundled();
    Path clip = SampleMedia.synthetic(dir.resolve("clip.mp4"), 20, 640, 360, 24, true);
    try (OriginStore store = OriginStore.open(OriginStore.Config.local(origin))) {
      VodPackager.quick(tools, List.of("360p", "240p"), store)
          .packageFile(clip, "play1", 4, dir.resolve("work"), s -> {});
    }
    TopicCreator.ensure(kafka.bootstrapServers(), EdgeServer.topics(), (short) 1);
    edge =
        new EdgeServer(
                EdgeConfig.of(
                    Map.of(
                        "port",
                        "0",
                        "edge-id",
                        "edge-player",
                        "region",
                        "us",
                        "origin",
                        origin.toUri().toString(),
                        "bootstrap-servers",
                        kafka.bootstrapServers(),
                        "spool-dir",
                        dir.resolve("spool").toString())),
                Clock.systemUTC())
            .start();
    base = "http://localhost:" + edge.port();
  }

  @AfterAll
  static void stop() {
    if (edge != null) {
      edge.close();
    }
  }

  @Test
  void hlsJsPlaysFmp4WithCmcdHeadersThroughThePreflight() throws Exception {
    playsAndReports("master-fmp4.m3u8", "sf-player-fmp4", "headers", ".m4s");
  }

  @Test
  void hlsJsPlaysMpegTsWithCmcdInTheQuery() throws Exception {
    playsAndReports("master.m3u8", "sf-player-ts", "query", ".ts");
  }

  private void playsAndReports(String master, String session, String mode, String segmentSuffix)
      throws Exception {
    JsonNode played = play(base + "/hls/play1/" + master, session, mode);

    assertThat(played.get("mseSupported").asBoolean()).as("MSE in Chromium: %s", played).isTrue();
    assertThat(played.get("fatal").isNull()).as("fatal error: %s", played).isTrue();
    assertThat(played.get("levels").asInt()).as("rungs in the master").isEqualTo(2);
    assertThat(played.get("currentTime").asDouble())
        .as("playback advanced: %s", played)
        .isGreaterThanOrEqualTo(PLAY_SECONDS);
    assertThat(played.get("videoWidth").asInt()).as("decoded frames").isIn(426, 640);
    assertThat(played.get("startupMs").isNull()).as("a 'playing' event").isFalse();
    assertThat(played.get("consoleErrors")).as("browser console errors (CORS, loads)").isEmpty();

    // Every segment request the player made is in the access log under its CMCD session.
    List<EdgeRequest> log =
        EdgeServerTest.read(
            kafka,
            Topics.EDGE_REQUESTS,
            EdgeRequest.class,
            l -> l.stream().filter(r -> session.equals(r.sessionId())).count() >= 3,
            Duration.ofSeconds(30));
    List<EdgeRequest> mine =
        log.stream().filter(r -> session.equals(r.sessionId())).collect(Collectors.toList());
    assertThat(mine)
        .extracting(EdgeRequest::objectType)
        .contains(EdgeRequest.ObjectType.MASTER_PLAYLIST, EdgeRequest.ObjectType.MEDIA_PLAYLIST);
    List<EdgeRequest> segments =
        mine.stream().filter(r -> r.path().endsWith(segmentSuffix)).collect(Collectors.toList());
    // 10.5 s of 4 s segments: at least segments 0, 1 and 2 of one rung, all served in full
    assertThat(segments.stream().map(EdgeRequest::segmentSequence).collect(Collectors.toSet()))
        .contains(0, 1, 2);
    assertThat(segments).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    assertThat(segments).allSatisfy(r -> assertThat(r.bytes()).isPositive());
    assertThat(segments).allSatisfy(r -> assertThat(r.assetId()).isEqualTo("play1"));

    // ... and its CMCD became viewer events with what the player said about itself.
    List<ViewerEvent> events =
        EdgeServerTest.read(
            kafka,
            Topics.VIEWER_EVENTS,
            ViewerEvent.class,
            l -> l.stream().filter(e -> session.equals(e.sessionId())).count() >= 3,
            Duration.ofSeconds(30));
    List<ViewerEvent> fromPlayer =
        events.stream().filter(e -> session.equals(e.sessionId())).collect(Collectors.toList());
    assertThat(fromPlayer.size()).isGreaterThanOrEqualTo(segments.size());
    assertThat(fromPlayer).allSatisfy(e -> assertThat(e.assetId()).isEqualTo("play1"));
    assertThat(fromPlayer).allSatisfy(e -> assertThat(e.edgeId()).isEqualTo("edge-player"));
    // br is the rung's declared bitrate in kbps: one of the two rungs the master lists
    Set<Long> ladderKbps = bandwidthsKbps(base + "/hls/play1/" + master);
    assertThat(fromPlayer.stream().map(ViewerEvent::bitrateKbps).filter(b -> b != null))
        .isNotEmpty()
        .allSatisfy(b -> assertThat(ladderKbps).contains(b));
    // hls.js reports a buffer once it has one, and marks its first requests as startup
    assertThat(fromPlayer.stream().map(ViewerEvent::bufferLengthMillis).filter(b -> b != null))
        .anySatisfy(b -> assertThat(b).isPositive());
    assertThat(fromPlayer).anySatisfy(e -> assertThat(e.startup()).isTrue());
  }

  /** Runs the player script; its last stdout line is a JSON report. */
  private static JsonNode play(String url, String session, String mode) throws Exception {
    List<String> out =
        BrowserPlayer.run(
            "play.mjs",
            List.of(url, String.valueOf(PLAY_SECONDS), session, "play1", mode),
            Duration.ofSeconds(90));
    String last = out.get(out.size() - 1);
    System.out.println("[player] " + mode + " " + last);
    return Json.MAPPER.readTree(last);
  }

  private static Set<Long> bandwidthsKbps(String masterUrl)
      throws IOException, InterruptedException {
    String text =
        EdgeServerTest.HTTP
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(masterUrl)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    return text.lines()
        .filter(l -> l.startsWith("#EXT-X-STREAM-INF:"))
        .map(l -> l.replaceAll(".*[:,]BANDWIDTH=(\\d+).*", "$1"))
        .map(b -> Math.round(Long.parseLong(b) / 1000.0))
        .collect(Collectors.toSet());
  }
}
