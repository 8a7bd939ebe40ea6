package dev.segmentflow.jobs;

import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.clickhouse.IntakeTables;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.Packaging;
import dev.segmentflow.schemas.events.RenderedSegment;
import dev.segmentflow.schemas.events.SourceSegment;
import dev.segmentflow.schemas.flink.KafkaEndpoints;
import dev.segmentflow.schemas.flink.RawRecord;
import dev.segmentflow.schemas.flink.ValidateEvents;
import dev.segmentflow.transcode.encode.EncoderPath;
import dev.segmentflow.transcode.encode.SegmentTranscoder;
import dev.segmentflow.transcode.flink.MasterPlaylistWriter;
import dev.segmentflow.transcode.flink.MediaPlaylistWriter;
import dev.segmentflow.transcode.flink.RenditionTable;
import dev.segmentflow.transcode.flink.TranscodeFunction;
import dev.segmentflow.transcode.flink.TranscodeOutcome;
import dev.segmentflow.transcode.hls.MediaPlaylist;
import dev.segmentflow.transcode.hls.PlaylistEntry;
import dev.segmentflow.transcode.ladder.LadderTemplate;
import dev.segmentflow.transcode.ladder.PlannedRendition;
import dev.segmentflow.transcode.store.OriginStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * segments.source -> validate -> ladder per segment (async, bounded per slot) -> renditions in the
 * origin store, segments.rendered and ClickHouse renditions -> media playlists (keyed by asset x
 * rendition x packaging) -> master playlists (keyed by asset). Bad events and bad media ->
 * segments.dlq and dead_letters.
 */
public final class TranscodeJob {
  private TranscodeJob() {}

  public record Sinks(
      Sink<RenderedSegment> renderedTopic,
      Sink<RenderedSegment> renditionTable,
      Sink<DeadLetter> deadLetterTopic,
      Sink<DeadLetter> deadLetterTable) {
    public static Sinks production(String brokers, String jdbcUrl) {
      return new Sinks(
          KafkaEndpoints.jsonSink(
              brokers, Topics.SEGMENTS_RENDERED, RenderedSegment::assetId, "transcode-rendered"),
          RenditionTable.sink(jdbcUrl),
          KafkaEndpoints.jsonSink(
              brokers, Topics.SEGMENTS_DLQ, DeadLetter::sourceTopic, "transcode-dlq"),
          IntakeTables.deadLetters(jdbcUrl));
    }
  }

  /** The operator's settings and how long a live playlist's window is. */
  public record Options(TranscodeFunction.Config transcode, double liveWindowSeconds) {}

  public static void main(String[] args) throws Exception {
    ParameterTool p = JobParameters.of(args);
    String brokers = p.getRequired("bootstrap-servers");
    String jdbcUrl = JobParameters.clickHouseUrl(p);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(JobParameters.checkpointIntervalMillis(p));
    build(
        env,
        env.fromSource(
            KafkaEndpoints.rawSource(
                brokers,
                p.get("source-topic", Topics.SEGMENTS_SOURCE),
                p.get("group-id", "transcode"),
                p.getBoolean("bounded", false)),
            WatermarkStrategy.noWatermarks(),
            "segments.source"),
        options(p),
        Sinks.production(brokers, jdbcUrl));
    env.execute("transcode");
  }

  /** The job's settings from its arguments; the CLI and tests read the same names. */
  public static Options options(ParameterTool p) {
    OriginStore.Config store =
        p.has("s3-endpoint")
            ? OriginStore.Config.s3(
                p.getRequired("origin"),
                p.get("s3-endpoint"),
                p.getRequired("s3-access-key"),
                p.getRequired("s3-secret-key"))
            : new OriginStore.Config(p.getRequired("origin"), Map.of());
    LadderTemplate template = LadderTemplate.standard();
    if (p.has("rungs")) {
      template = template.only(Arrays.asList(p.get("rungs").split(",")));
    }
    SegmentTranscoder.Settings d = SegmentTranscoder.Settings.defaults();
    SegmentTranscoder.Settings settings =
        d.withTemplate(template)
            .withPreset(p.get("preset", d.x264Preset()))
            .withTimeout(Duration.ofSeconds(p.getLong("timeout-seconds", d.timeout().toSeconds())))
            .withQualityEvery(p.getInt("quality-every", d.qualityEvery()))
            .withPath(EncoderPath.CPU);
    String gpu = p.get("gpu", "auto");
    if (!gpu.equals("auto") && !gpu.equals("off")) {
      throw new IllegalArgumentException("--gpu is auto or off, not " + gpu);
    }
    return new Options(
        new TranscodeFunction.Config(
            store,
            settings,
            p.getInt("concurrency", 1),
            p.getInt("attempts", 3),
            Duration.ofMillis(p.getLong("retry-backoff-ms", 2000)),
            gpu.equals("auto")),
        p.getDouble("live-window-seconds", 30));
  }

  public static void build(
      StreamExecutionEnvironment env, DataStream<RawRecord> sources, Options options, Sinks sinks) {
    TranscodeFunction.Config cfg = options.transcode();
    SingleOutputStreamOperator<SourceSegment> segments =
        sources
            .process(new ValidateEvents<>(SourceSegment.class))
            .name("validate segments.source")
            .uid("validate-source-segments");
    SingleOutputStreamOperator<TranscodeOutcome> outcomes =
        AsyncDataStream.unorderedWait(
                segments,
                new TranscodeFunction(cfg),
                cfg.asyncTimeout().toMillis(),
                TimeUnit.MILLISECONDS,
                cfg.inFlight())
            .name("ladder")
            .uid("ladder");

    DataStream<RenderedSegment> rendered =
        outcomes
            .flatMap(
                (TranscodeOutcome o, Collector<RenderedSegment> out) ->
                    java.util.Arrays.stream(o.rendered()).forEach(out::collect))
            .returns(RenderedSegment.class)
            .name("renditions")
            .uid("renditions");
    DataStream<DeadLetter> deadLetters =
        segments
            .getSideOutput(ValidateEvents.DEAD_LETTERS)
            .union(
                outcomes
                    .filter(o -> !o.ok())
                    .map(TranscodeOutcome::deadLetter)
                    .returns(DeadLetter.class)
                    .name("bad media")
                    .uid("bad-media"));
    deadLetters.sinkTo(sinks.deadLetterTopic()).name("segments.dlq").uid("dlq-topic-sink");
    deadLetters.sinkTo(sinks.deadLetterTable()).name("dead_letters").uid("dlq-table-sink");
    rendered.sinkTo(sinks.renderedTopic()).name("segments.rendered").uid("rendered-topic-sink");
    rendered.sinkTo(sinks.renditionTable()).name("renditions").uid("renditions-table-sink");

    LadderTemplate template = cfg.settings().template();
    DataStream<PlaylistEntry> entries =
        rendered
            .map(PlaylistEntry::of)
            .name("playlist entries")
            .uid("playlist-entries")
            .union(
                outcomes
                    .filter(o -> !o.ok())
                    .flatMap(
                        (TranscodeOutcome o, Collector<PlaylistEntry> out) ->
                            holes(o.source(), template, out))
                    .returns(PlaylistEntry.class)
                    .name("playlist holes")
                    .uid("playlist-holes"));
    entries
        .keyBy(PlaylistEntry::playlistKey)
        .process(new MediaPlaylistWriter(cfg.store(), options.liveWindowSeconds()))
        .name("media playlists")
        .uid("media-playlists")
        .keyBy(MediaPlaylist.Summary::assetId)
        .process(new MasterPlaylistWriter(cfg.store()))
        .name("master playlists")
        .uid("master-playlists")
        .sinkTo(new DiscardingSink<>())
        .name("written masters");
  }

  /**
   * A segment that failed leaves a hole in every playlist of its asset; the playlists skip it with
   * a discontinuity instead of waiting for it. Its renditions are those its event plans.
   */
  static void holes(SourceSegment seg, LadderTemplate template, Collector<PlaylistEntry> out) {
    if (seg == null || seg.width() <= 0 || seg.height() <= 0 || !(seg.frameRate() > 0)) {
      return;
    }
    for (PlannedRendition r : SegmentTranscoder.plan(seg, template)) {
      for (Packaging p : Packaging.values()) {
        out.collect(
            PlaylistEntry.failed(
                seg.assetId(),
                r.name(),
                p,
                seg.sequence(),
                seg.live(),
                seg.lastSegment(),
                PlaylistEntry.capturedAt(
                    seg.live(), seg.ingestedAtMillis(), seg.durationSeconds())));
      }
    }
  }
}
