package dev.segmentflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segmentflow.edge.EdgeConfig;
import dev.segmentflow.edge.EdgeServer;
import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.localservices.KafkaBroker;
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
import dev.segmentflow.testkit.BrowserPlayer;
import dev.segmentflow.testkit.FlinkMiniCluster;
import dev.segmentflow.testkit.RealServices;
import dev.segmentflow.transcode.ffmpeg.ChildRun;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.flink.RenditionTable;
import dev.segmentflow.transcode.hls.HlsPaths;
import dev.segmentflow.transcode.ingest.ConformanceCorpus;
import dev.segmentflow.transcode.ingest.ConformanceCorpus.Outcome;
import dev.segmentflow.transcode.ingest.ConformanceCorpus.Variant;
import dev.segmentflow.transcode.ingest.SourceIngest;
import dev.segmentflow.transcode.ingest.SourceSplitter;
import dev.segmentflow.transcode.probe.MediaRejected;
import dev.segmentflow.transcode.store.OriginStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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
 * Every file of the generated conformance corpus through the real path: ingest into an origin
 * store, the TranscodeJob on a MiniCluster from Kafka, then ffmpeg reading what it stored and
 * hls.js playing both masters of every asset to the end through a real edge. Truth is taken from
 * the source file by decoding it, not from the splitter's figures. Writes the corpus table
 * (target/media-conformance.md) that README.md shows.
 */
@ExtendWith(RealServices.class)
class MediaConformanceTest {
  private static final FfmpegTools TOOLS = FfmpegTools.bundled();
  private static final String SRC = "conformance.source";
  private static final String RENDERED = "conformance.rendered";
  private static final String DLQ = "conformance.dlq";
  private static final double SEGMENT_SECONDS = 4;
  private static final double AAC_FRAME_SECONDS = 1024 / 48000.0;

  @TempDir Path dir;

  @Test
  void everyVariantBecomesAPlayableLadderOrAPreciseRefusal(
      KafkaBroker kafka, ClickHouseServer clickHouse, FlinkMiniCluster flink) throws Exception {
    clickHouse.query("CREATE DATABASE IF NOT EXISTS conformance_test");
    String jdbcUrl = clickHouse.jdbcUrl("conformance_test");
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
    OriginStore.Config storeConfig = OriginStore.Config.local(dir.resolve("origin"));
    Path corpus = Path.of("target", "conformance-corpus");

    List<Variant> variants = ConformanceCorpus.variants();
    assertThat(variants).hasSizeGreaterThanOrEqualTo(30);
    Map<String, List<SourceSegment>> ingested = new LinkedHashMap<>();
    Map<String, String> how = new TreeMap<>();
    List<ProducerRecord<String, String>> events = new ArrayList<>();
    try (OriginStore store = OriginStore.open(storeConfig)) {
      SourceIngest ingest =
          new SourceIngest(
              new SourceSplitter(TOOLS, Duration.ofMinutes(2)),
              store,
              () -> 1_700_000_000_000L,
              t -> {});
      for (Variant v : variants) {
        Path file = ConformanceCorpus.make(v, corpus, TOOLS);
        if (v.outcome() == Outcome.REFUSED) {
          assertThatThrownBy(
                  () ->
                      ingest.ingest(
                          file,
                          v.name(),
                          false,
                          SEGMENT_SECONDS,
                          dir.resolve(v.name()),
                          e -> {},
                          s -> {}))
              .as(v.name())
              .isInstanceOf(MediaRejected.class)
              .hasMessageContaining(v.refusal());
          continue;
        }
        List<String> progress = new ArrayList<>();
        List<SourceSegment> segs =
            ingest.ingest(
                file,
                v.name(),
                false,
                SEGMENT_SECONDS,
                dir.resolve(v.name()),
                e -> {},
                progress::add);
        ingested.put(v.name(), segs);
        how.put(
            v.name(),
            progress.stream()
                .filter(l -> l.startsWith("[2/3]"))
                .findFirst()
                .map(l -> l.substring(l.indexOf('(') + 1, l.lastIndexOf(')')))
                .orElse("?"));
        segs.forEach(e -> events.add(new ProducerRecord<>(SRC, e.assetId(), Json.string(e))));
      }
    }
    kafka.produce(events);

    StreamExecutionEnvironment env = flink.environment(2);
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
    env.configure(conf);
    env.enableCheckpointing(1000);
    TranscodeJob.build(
        env,
        env.fromSource(
            KafkaEndpoints.rawSource(kafka.bootstrapServers(), SRC, "conformance-test", true),
            WatermarkStrategy.noWatermarks(),
            SRC),
        TranscodeJob.options(
            ParameterTool.fromMap(
                Map.of(
                    "origin", storeConfig.baseUri(),
                    "rungs", "240p",
                    "preset", "ultrafast",
                    "quality-every", "0",
                    "timeout-seconds", "120",
                    "retry-backoff-ms", "200"))),
        new TranscodeJob.Sinks(
            KafkaEndpoints.jsonSink(
                kafka.bootstrapServers(),
                RENDERED,
                RenderedSegment::assetId,
                "conformance-test-rendered"),
            RenditionTable.sink(jdbcUrl),
            KafkaEndpoints.jsonSink(
                kafka.bootstrapServers(), DLQ, DeadLetter::sourceTopic, "conformance-test-dlq"),
            IntakeTables.deadLetters(jdbcUrl)));
    env.execute("conformance-test");

    Map<String, List<String>> letters = new TreeMap<>();
    for (byte[] b : kafka.readCommitted(DLQ)) {
      DeadLetter d = Json.MAPPER.readValue(b, DeadLetter.class);
      SourceSegment s = Json.MAPPER.readValue(d.payload(), SourceSegment.class);
      letters
          .computeIfAbsent(s.assetId(), k -> new ArrayList<>())
          .add(s.sequence() + " " + d.reason() + " " + d.detail());
    }

    Path origin = dir.resolve("origin");
    Map<String, JsonNode> played =
        playEveryMaster(kafka, origin, dir.resolve("edge-spool"), ingested.keySet());
    List<String> table = new ArrayList<>();
    table.add(
        "| variant | source | split | renditions | segments | duration error | A/V offset at end"
            + " | hls.js (TS, fMP4) |");
    table.add("|---|---|---|---|---|---|---|---|");
    for (Variant v : variants) {
      if (v.outcome() == Outcome.REFUSED) {
        table.add(
            String.format(
                Locale.ROOT,
                "| %s | %s | refused: \"%s\" | - | - | - | - | - |",
                v.name(),
                v.description(),
                v.refusal()));
        continue;
      }
      List<SourceSegment> segs = ingested.get(v.name());
      int damaged = 0;
      if (v.outcome() == Outcome.PLAYS_EXCEPT_DAMAGE) {
        List<String> mine = letters.getOrDefault(v.name(), List.of());
        assertThat(mine).as(v.name() + " letters").isNotEmpty().hasSizeLessThan(segs.size());
        assertThat(mine)
            .allSatisfy(
                l -> assertThat(l).contains("UNDECODABLE_MEDIA").contains("does not decode"));
        damaged = mine.size();
      } else {
        assertThat(letters.get(v.name())).as(v.name() + " dead letters").isNull();
      }
      String master = Files.readString(origin.resolve(v.name() + "/master.m3u8"));
      String resolution =
          master
              .lines()
              .filter(l -> l.startsWith("#EXT-X-STREAM-INF"))
              .findFirst()
              .map(l -> l.replaceAll(".*RESOLUTION=(\\d+x\\d+).*", "$1"))
              .orElseThrow();
      String[] wh = resolution.split("x");
      double aspect = Double.parseDouble(wh[0]) / Double.parseDouble(wh[1]);
      assertThat(Math.abs(aspect / v.displayAspect() - 1))
          .as(v.name() + " display aspect " + resolution)
          .isLessThan(0.02);
      assertThat(master.contains("mp4a.40.2")).as(v.name() + " audio").isEqualTo(v.audio());

      double truth = sourceVideoSeconds(corpus.resolve(v.name() + "." + v.file()));
      double frame = 1 / segs.get(0).frameRate();
      double duration = 0;
      double offset = 0;
      List<String> plays = new ArrayList<>();
      for (Packaging packaging : Packaging.values()) {
        String media = HlsPaths.mediaPlaylistName("240p", packaging);
        Path playlist = origin.resolve(HlsPaths.mediaPlaylist(v.name(), "240p", packaging));
        String text = Files.readString(playlist);
        double listed =
            text.lines()
                .filter(l -> l.startsWith("#EXTINF:"))
                .mapToDouble(l -> Double.parseDouble(l.substring(8, l.indexOf(','))))
                .sum();
        long frames = StoredHls.decodedFrames(playlist, v.name() + " " + media);
        assertThat(Math.abs(frames * frame - listed))
            .as(v.name() + " " + media + " frames against EXTINF")
            .isLessThan(frame * segs.size());
        if (damaged == 0) {
          duration = listed - truth;
          assertThat(Math.abs(duration))
              .as(v.name() + " " + media + " duration against the source's " + truth)
              .isLessThanOrEqualTo(frame * segs.size() + 1e-3);
        } else {
          assertThat(text).contains("#EXT-X-DISCONTINUITY");
        }
        if (v.audio()) {
          offset = endOffset(playlist);
          assertThat(Math.abs(offset))
              .as(v.name() + " " + media + " A/V offset at the end")
              .isLessThanOrEqualTo(AAC_FRAME_SECONDS);
        }

        String what = v.name() + " " + packaging + " in hls.js";
        JsonNode r = played.get(HlsPaths.master(v.name(), packaging));
        assertThat(r).as(what).isNotNull();
        assertThat(r.get("fatal").isNull()).as("%s: fatal error: %s", what, r).isTrue();
        assertThat(r.get("ended").asBoolean()).as("%s: played to the end: %s", what, r).isTrue();
        assertThat(r.get("consoleErrors")).as("%s: browser console errors", what).isEmpty();
        // the player's timeline is the listed segments, a hole closed up: so is what it played
        double playedSeconds = r.get("currentTime").asDouble();
        assertThat(Math.abs(playedSeconds - listed))
            .as("%s: played %.3f s of the %.3f s listed: %s", what, playedSeconds, listed, r)
            .isLessThanOrEqualTo(2 * frame + AAC_FRAME_SECONDS);
        double shown = r.get("videoWidth").asDouble() / r.get("videoHeight").asDouble();
        assertThat(Math.abs(shown / v.displayAspect() - 1))
            .as("%s: the picture's aspect as the browser shows it: %s", what, r)
            .isLessThan(0.02);
        plays.add(String.format(Locale.ROOT, "%.2f s", playedSeconds));
      }
      table.add(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s @ %.3f fps | %d%s | %s | %s | played %s |",
              v.name(),
              v.description(),
              how.get(v.name()),
              resolution,
              segs.get(0).frameRate(),
              segs.size(),
              damaged > 0 ? " (" + damaged + " damaged, dead-lettered)" : "",
              damaged > 0 ? "-" : String.format(Locale.ROOT, "%+.3f s", duration),
              v.audio() ? String.format(Locale.ROOT, "%+.1f ms", offset * 1000) : "no audio",
              String.join(", ", plays)));
    }
    Files.write(Path.of("target", "media-conformance.md"), table);
  }

  /**
   * Serves the origin through a real edge and plays both masters of every asset to the end in
   * hls.js (headless Chromium) at 8x, three tabs at a time; keyed by master path.
   */
  private static Map<String, JsonNode> playEveryMaster(
      KafkaBroker kafka, Path origin, Path spool, Collection<String> assets) throws Exception {
    TopicCreator.ensure(kafka.bootstrapServers(), EdgeServer.topics(), (short) 1);
    try (EdgeServer edge =
        new EdgeServer(
                EdgeConfig.of(
                    Map.of(
                        "port",
                        "0",
                        "edge-id",
                        "edge-conformance",
                        "region",
                        "us",
                        "origin",
                        origin.toUri().toString(),
                        "bootstrap-servers",
                        kafka.bootstrapServers(),
                        "spool-dir",
                        spool.toString())),
                Clock.systemUTC())
            .start()) {
      String prefix = "http://localhost:" + edge.port() + "/hls/";
      List<String> args = new ArrayList<>(List.of("8", "3"));
      for (String asset : assets) {
        for (Packaging p : Packaging.values()) {
          args.add(prefix + HlsPaths.master(asset, p));
        }
      }
      Map<String, JsonNode> byMaster = new TreeMap<>();
      for (String line : BrowserPlayer.run("play-through.mjs", args, Duration.ofMinutes(10))) {
        JsonNode r = Json.MAPPER.readTree(line);
        System.out.println("[player] " + line);
        byMaster.put(r.get("master").asText().substring(prefix.length()), r);
      }
      return byMaster;
    }
  }

  /**
   * How long the source's video shows, from its decoded frames: first to last timestamp plus one
   * typical frame, and a typical frame more for each frame the container leaves without a time (AVI
   * with B-frames does).
   */
  private static double sourceVideoSeconds(Path file) {
    ChildRun.Result r =
        TOOLS.ffprobe(
            List.of(
                "-select_streams",
                "v:0",
                "-show_entries",
                "frame=best_effort_timestamp_time",
                "-of",
                "csv=p=0",
                file.toString()),
            Duration.ofMinutes(1));
    assertThat(r.ok()).as(file + ": " + r.lastError()).isTrue();
    List<Double> times = new ArrayList<>();
    int frames = 0;
    for (String line : r.stdout().strip().split("\n")) {
      String t = line.strip().replace(",", "");
      if (t.isEmpty()) {
        continue;
      }
      frames++;
      if (!t.equals("N/A")) {
        times.add(Double.parseDouble(t));
      }
    }
    assertThat(times).as(file + " frame times").hasSizeGreaterThan(1);
    times.sort(Double::compare);
    List<Double> steps = new ArrayList<>();
    for (int i = 1; i < times.size(); i++) {
      steps.add(times.get(i) - times.get(i - 1));
    }
    steps.sort(Double::compare);
    double typical = steps.get(steps.size() / 2);
    return times.get(times.size() - 1) - times.get(0) + (frames - times.size() + 1) * typical;
  }

  /** Where the last audio packet ends minus where the last video frame ends, in seconds. */
  private static double endOffset(Path playlist) {
    return streamEnd(playlist, "a:0") - streamEnd(playlist, "v:0");
  }

  private static double streamEnd(Path playlist, String stream) {
    ChildRun.Result r =
        TOOLS.ffprobe(
            List.of(
                "-select_streams",
                stream,
                "-show_entries",
                "packet=pts_time,duration_time",
                "-of",
                "csv=p=0",
                playlist.toString()),
            Duration.ofMinutes(1));
    assertThat(r.ok()).as(playlist + ": " + r.lastError()).isTrue();
    double end = -Double.MAX_VALUE;
    for (String line : r.stdout().strip().split("\n")) {
      String[] f = line.split(",");
      if (f.length < 2 || f[0].equals("N/A") || f[1].equals("N/A")) {
        continue;
      }
      end = Math.max(end, Double.parseDouble(f[0]) + Double.parseDouble(f[1]));
    }
    return end;
  }
}
