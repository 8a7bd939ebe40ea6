package dev.segmentflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.localservices.S3Server;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics.TopicSpec;
import dev.segmentflow.schemas.clickhouse.ClickHouseJdbc;
import dev.segmentflow.schemas.clickhouse.ClickHouseMigrator;
import dev.segmentflow.schemas.clickhouse.IntakeTables;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.Packaging;
import dev.segmentflow.schemas.events.RenderedSegment;
import dev.segmentflow.schemas.events.SourceSegment;
import dev.segmentflow.schemas.flink.KafkaEndpoints;
import dev.segmentflow.schemas.kafka.TopicCreator;
import dev.segmentflow.testkit.FlinkMiniCluster;
import dev.segmentflow.testkit.RealServices;
import dev.segmentflow.transcode.ffmpeg.ChildRun;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.flink.RenditionTable;
import dev.segmentflow.transcode.hls.ArchiveIndex;
import dev.segmentflow.transcode.hls.PlaylistRules;
import dev.segmentflow.transcode.hls.ReplayManifest;
import dev.segmentflow.transcode.ingest.SampleMedia;
import dev.segmentflow.transcode.ingest.SourceIngest;
import dev.segmentflow.transcode.ingest.SourceSplitter;
import dev.segmentflow.transcode.store.OriginStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transcode job end to end on real parts: real footage and a synthetic clip ingested into an S3
 * origin (s3proxy), the job on a MiniCluster reading Kafka, ffmpeg decoding what it wrote, and
 * every kind of bad input reconciled against segments.dlq and dead_letters.
 */
@ExtendWith(RealServices.class)
class TranscodeJobTest {
  private static final FfmpegTools TOOLS = FfmpegTools.bundled();
  private static final String SRC = "transcode-test.source";
  private static final String RENDERED = "transcode-test.rendered";
  private static final String DLQ = "transcode-test.dlq";

  @TempDir Path dir;

  @Test
  void transcodesIntoPlayableHlsOnS3AndDeadLettersEveryBadInput(
      KafkaBroker kafka, ClickHouseServer clickHouse, S3Server s3, FlinkMiniCluster flink)
      throws Exception {
    clickHouse.query("CREATE DATABASE IF NOT EXISTS transcode_test");
    String jdbcUrl = clickHouse.jdbcUrl("transcode_test");
    try (Connection c = ClickHouseJdbc.connect(jdbcUrl)) {
      ClickHouseMigrator.bundled().migrate(c);
    }
    TopicCreator.ensure(
        kafka.bootstrapServers(),
        List.of(
            new TopicSpec(SRC, 2, Duration.ofDays(7), "delete", "assetId"),
            new TopicSpec(RENDERED, 2, Duration.ofDays(7), "delete", "assetId"),
            new TopicSpec(DLQ, 1, Duration.ofDays(7), "delete", "sourceTopic")),
        (short) 1);
    OriginStore.Config storeConfig =
        OriginStore.Config.s3(
            "s3a://" + s3.bucket() + "/transcode-test",
            s3.endpoint(),
            S3Server.ACCESS_KEY,
            S3Server.SECRET_KEY);

    List<String> sent = new ArrayList<>();
    Map<String, String> expectedReasons = new TreeMap<>();
    List<SourceSegment> vtest;
    List<SourceSegment> synthetic;
    List<SourceSegment> live;
    long liveStart = 1_763_700_000_000L;
    try (OriginStore store = OriginStore.open(storeConfig)) {
      SourceIngest ingest =
          new SourceIngest(
              new SourceSplitter(TOOLS, Duration.ofMinutes(5)),
              store,
              () -> 1_700_000_000_000L,
              t -> {});
      vtest =
          ingest.ingest(
              SampleMedia.realFootage(), "vtest", false, 6, dir.resolve("v"), e -> {}, s -> {});
      Path clip = SampleMedia.synthetic(dir.resolve("clip.mp4"), 18, 640, 360, 24, true);
      synthetic = ingest.ingest(clip, "synthetic", false, 6, dir.resolve("s"), e -> {}, s -> {});
      // a live asset on a simulated clock: each segment is published when its end is captured
      AtomicLong liveClock = new AtomicLong(liveStart);
      SourceIngest liveIngest =
          new SourceIngest(
              new SourceSplitter(TOOLS, Duration.ofMinutes(5)),
              store,
              liveClock::get,
              t -> liveClock.accumulateAndGet(t, Math::max));
      Path liveClip = SampleMedia.synthetic(dir.resolve("live.mp4"), 24, 320, 240, 25, true);
      live = liveIngest.ingest(liveClip, "live", true, 6, dir.resolve("l"), e -> {}, s -> {});
      vtest.forEach(e -> sent.add(Json.string(e)));
      live.forEach(e -> sent.add(Json.string(e)));
      // a replay of the whole synthetic asset: playlists and tables must not grow from it
      for (int round = 0; round < 2; round++) {
        synthetic.forEach(e -> sent.add(Json.string(e)));
      }
      // the middle synthetic segment is damaged in the store: only it may fail
      byte[] middle = store.read(store.keyOf(synthetic.get(1).uri()));
      store.put(
          store.keyOf(synthetic.get(1).uri()), java.util.Arrays.copyOf(middle, middle.length / 3));
      expectedReasons.put("synthetic/1", "UNDECODABLE_MEDIA");

      byte[] random = new byte[100_000];
      new Random(11).nextBytes(random);
      Path tone = SampleMedia.tone(dir.resolve("tone.m4a"), 6);
      Path still = SampleMedia.still(dir.resolve("still.png"));
      Map<String, byte[]> badMedia = new TreeMap<>();
      badMedia.put("bad-zero", new byte[0]);
      badMedia.put("bad-random", random);
      badMedia.put("bad-audio", Files.readAllBytes(tone));
      badMedia.put("bad-image", Files.readAllBytes(still));
      badMedia.put("bad-text", "#EXTM3U\nthis is not a video\n".getBytes(StandardCharsets.UTF_8));
      SourceSegment model = synthetic.get(0);
      for (var b : badMedia.entrySet()) {
        String key = b.getKey() + "/source/000000.mkv";
        store.put(key, b.getValue());
        sent.add(Json.string(like(model, b.getKey(), store.uri(key))));
        expectedReasons.put(b.getKey() + "/0", "UNDECODABLE_MEDIA");
      }
      sent.add(Json.string(like(model, "bad-missing", store.uri("bad-missing/source/000000.mkv"))));
      expectedReasons.put("bad-missing/0", "INCONSISTENT");
      sent.add(Json.string(like(model, "bad-outside", "file:///etc/passwd")));
      expectedReasons.put("bad-outside/0", "OUT_OF_RANGE");
    }
    sent.add("{\"schemaVersion\": 1, \"segmentId\": ");
    expectedReasons.put("malformed", "MALFORMED_JSON");
    produce(kafka, sent);

    StreamExecutionEnvironment env = flink.environment(2);
    Configuration conf = new Configuration();
    // a bug should fail the test, not restart the job forever
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
    env.configure(conf);
    env.enableCheckpointing(1000);
    TranscodeJob.Options options =
        TranscodeJob.options(
            ParameterTool.fromMap(
                Map.of(
                    "origin", storeConfig.baseUri(),
                    "s3-endpoint", s3.endpoint(),
                    "s3-access-key", S3Server.ACCESS_KEY,
                    "s3-secret-key", S3Server.SECRET_KEY,
                    "rungs", "480p,360p,240p",
                    "preset", "ultrafast",
                    "quality-every", "4",
                    "timeout-seconds", "120",
                    "retry-backoff-ms", "200",
                    "live-window-seconds", "12")));
    TranscodeJob.build(
        env,
        env.fromSource(
            KafkaEndpoints.rawSource(kafka.bootstrapServers(), SRC, "transcode-test", true),
            WatermarkStrategy.noWatermarks(),
            SRC),
        options,
        new TranscodeJob.Sinks(
            KafkaEndpoints.jsonSink(
                kafka.bootstrapServers(),
                RENDERED,
                RenderedSegment::assetId,
                "transcode-test-rendered"),
            RenditionTable.sink(jdbcUrl),
            KafkaEndpoints.jsonSink(
                kafka.bootstrapServers(), DLQ, DeadLetter::sourceTopic, "transcode-test-dlq"),
            IntakeTables.deadLetters(jdbcUrl)));
    env.execute("transcode-test");

    // Dead letters: one per distinct bad input (the replayed damaged segment keeps its id), each
    // with its reason, in the topic and in the table.
    Map<String, String> letters = new TreeMap<>();
    for (byte[] v : kafka.readCommitted(DLQ)) {
      DeadLetter d = Json.MAPPER.readValue(v, DeadLetter.class);
      letters.put(d.deadLetterId(), describe(d) + " " + d.reason());
    }
    assertThat(new TreeMap<>(invert(letters))).isEqualTo(expectedReasonsByInput(expectedReasons));
    assertThat(clickHouse.query("SELECT count() FROM transcode_test.dead_letters FINAL").strip())
        .isEqualTo(String.valueOf(expectedReasons.size()));

    // Renditions: vtest (768x576) gets 480p/360p/240p, the synthetic 640x360 clip 360p/240p, the
    // 320x240 live clip 240p; each in TS and fMP4; the damaged synthetic segment none.
    int expected = vtest.size() * 3 * 2 + (synthetic.size() - 1) * 2 * 2 + live.size() * 2;
    Set<String> ids = new HashSet<>();
    for (byte[] v : kafka.readCommitted(RENDERED)) {
      ids.add(Json.MAPPER.readValue(v, RenderedSegment.class).renderedId());
    }
    assertThat(ids).hasSize(expected);
    assertThat(clickHouse.query("SELECT count() FROM transcode_test.renditions FINAL").strip())
        .isEqualTo(String.valueOf(expected));
    assertThat(
            clickHouse
                .query(
                    "SELECT countIf(psnr > 20 AND ssim > 0.5), uniqExact(encoder) FROM transcode_test.renditions FINAL WHERE sequence % 4 = 0")
                .strip())
        .isEqualTo((vtest.size() / 4 + 1) * 6 + 2 * 2 + 2 + "\t1");

    try (OriginStore store = OriginStore.open(storeConfig)) {
      for (String asset : List.of("vtest", "synthetic")) {
        for (String master : List.of("master.m3u8", "master-fmp4.m3u8")) {
          String text = new String(store.read(asset + "/" + master), StandardCharsets.UTF_8);
          assertThat(PlaylistRules.master(text)).as(asset + " " + master).isEmpty();
          for (String media : text.lines().filter(l -> !l.startsWith("#")).toList()) {
            String m = new String(store.read(asset + "/" + media), StandardCharsets.UTF_8);
            assertThat(PlaylistRules.media(m)).as(asset + "/" + media).isEmpty();
            assertThat(m)
                .as(asset + "/" + media)
                .contains("#EXT-X-PLAYLIST-TYPE:VOD")
                .endsWith("#EXT-X-ENDLIST\n");
          }
        }
      }
      String synth = new String(store.read("synthetic/360p/index.m3u8"), StandardCharsets.UTF_8);
      assertThat(synth.lines().filter(l -> !l.startsWith("#")).toList())
          .containsExactly("000000.ts", "000002.ts");
      assertThat(synth).contains("#EXT-X-DISCONTINUITY");

      // Live: the window has moved past segment 0 and the stream has ended; the archive still
      // holds segment 0, and a replay of its first 10 s plays segments 0 and 1 in full.
      assertThat(live).hasSize(4);
      for (String media : List.of("live/240p/index.m3u8", "live/240p/index-fmp4.m3u8")) {
        String m = new String(store.read(media), StandardCharsets.UTF_8);
        assertThat(PlaylistRules.media(m)).as(media).isEmpty();
        assertThat(m)
            .as(media)
            .contains("#EXT-X-MEDIA-SEQUENCE:1\n")
            .contains("#EXT-X-PROGRAM-DATE-TIME:2025-11-21T04:40:06.000Z")
            .doesNotContain("PLAYLIST-TYPE")
            .endsWith("#EXT-X-ENDLIST\n");
      }
      // What `segmentflow replay-manifest` writes: a VOD master per packaging over the archive.
      java.time.Instant from = java.time.Instant.ofEpochMilli(liveStart + 1_000);
      java.time.Instant to = java.time.Instant.ofEpochMilli(liveStart + 11_000);
      for (Packaging p : List.of(Packaging.TS, Packaging.FMP4)) {
        var replay = ReplayManifest.build("live", ArchiveIndex.read(store, "live", p), p, from, to);
        for (var e : replay.playlists().entrySet()) {
          store.put(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8));
        }
      }
      Path liveLocal = download(store, "live", dir.resolve("live-download"));
      long replayFrames =
          Math.round((live.get(0).durationSeconds() + live.get(1).durationSeconds()) * 25);
      for (String master :
          List.of("replay-1763700001-1763700011.m3u8", "replay-1763700001-1763700011-fmp4.m3u8")) {
        String text = Files.readString(liveLocal.resolve("live/" + master));
        assertThat(PlaylistRules.master(text)).as(master).isEmpty();
        String variant = text.lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
        String media = Files.readString(liveLocal.resolve("live/" + variant));
        assertThat(PlaylistRules.media(media)).as(variant).isEmpty();
        assertThat(media.lines().filter(l -> !l.startsWith("#")).toList())
            .as(variant)
            .containsExactly(
                "000000." + (master.contains("fmp4") ? "m4s" : "ts"),
                "000001." + (master.contains("fmp4") ? "m4s" : "ts"));
        assertDecodes(liveLocal.resolve("live/" + master), replayFrames);
      }

      // The real footage plays end to end from what the job stored: every rendition, both
      // packagings, every one of the source's frames, no decoder complaint.
      Path local = download(store, "vtest", dir.resolve("download"));
      int sourceFrames = 795;
      for (String master : List.of("master.m3u8", "master-fmp4.m3u8")) {
        String text = Files.readString(local.resolve("vtest/" + master));
        List<String> variants = text.lines().filter(l -> !l.startsWith("#")).toList();
        assertThat(variants).hasSize(3);
        for (String v : variants) {
          assertDecodes(local.resolve("vtest/" + v), sourceFrames);
          double listed =
              Files.readString(local.resolve("vtest/" + v))
                  .lines()
                  .filter(l -> l.startsWith("#EXTINF:"))
                  .mapToDouble(l -> Double.parseDouble(l.substring(8, l.indexOf(','))))
                  .sum();
          // within one frame (0.1 s at 10 fps) per segment of the source's 79.5 s
          assertThat(Math.abs(listed - 79.5)).as(v).isLessThanOrEqualTo(0.1 * vtest.size());
        }
      }
      // the ffmpeg reading the master itself (the way a player starts) also decodes cleanly
      ChildRun.Result viaMaster =
          TOOLS.ffmpeg(
              List.of(
                  "-i",
                  local.resolve("vtest/master.m3u8").toString(),
                  "-map",
                  "0:v:0",
                  "-f",
                  "null",
                  "-"),
              Duration.ofMinutes(2));
      assertThat(viaMaster.ok()).isTrue();
      assertThat(viaMaster.stderr().strip()).isEmpty();
    }
  }

  /** ffmpeg decodes every frame of the playlist, exactly {@code frames} of them, silently. */
  private static void assertDecodes(Path playlist, long frames) {
    assertThat(StoredHls.decodedFrames(playlist, playlist.toString()))
        .as(playlist.toString())
        .isEqualTo(frames);
  }

  private static Path download(OriginStore store, String prefix, Path to) throws IOException {
    for (String key : store.list(prefix)) {
      Path file = to.resolve(key);
      Files.createDirectories(file.getParent());
      store.download(key, file);
    }
    return to;
  }

  private static SourceSegment like(SourceSegment m, String asset, String uri) {
    return new SourceSegment(
        1,
        SourceSegment.idFor(asset, 0),
        asset,
        0,
        uri,
        0,
        m.durationSeconds(),
        false,
        true,
        m.width(),
        m.height(),
        m.frameRate(),
        m.hasAudio(),
        m.sourceBitrateKbps(),
        m.videoCodec(),
        m.ingestedAtMillis());
  }

  /** Which input a dead letter is about: asset/sequence from its payload, or "malformed". */
  private static String describe(DeadLetter d) {
    try {
      JsonNode n = Json.MAPPER.readTree(d.payload());
      return n.path("assetId").asText() + "/" + n.path("sequence").asInt();
    } catch (Exception e) {
      return "malformed";
    }
  }

  private static Map<String, String> invert(Map<String, String> letters) {
    Map<String, String> byInput = new HashMap<>();
    for (String v : letters.values()) {
      String[] p = v.split(" ");
      assertThat(byInput.put(p[0], p[1])).as("two letters for " + p[0]).isNull();
    }
    return byInput;
  }

  private static Map<String, String> expectedReasonsByInput(Map<String, String> m) {
    return new TreeMap<>(m);
  }

  private static void produce(KafkaBroker kafka, List<String> values) {
    kafka.produce(
        values.stream().map(v -> new ProducerRecord<String, String>(SRC, null, v)).toList());
  }
}
