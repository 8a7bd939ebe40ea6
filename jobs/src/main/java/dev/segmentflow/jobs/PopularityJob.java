package dev.segmentflow.jobs;

import dev.segmentflow.cache.flink.CombineTitleActivity;
import dev.segmentflow.cache.flink.PopularityTables;
import dev.segmentflow.cache.flink.TitlePlannerFunction;
import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.popularity.PopularityRow;
import dev.segmentflow.cache.popularity.TitleActivity;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.clickhouse.IntakeTables;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.Directive;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import dev.segmentflow.schemas.flink.EventTimeOptions;
import dev.segmentflow.schemas.flink.KafkaEndpoints;
import dev.segmentflow.schemas.flink.RawRecord;
import dev.segmentflow.schemas.flink.RecordTime;
import dev.segmentflow.schemas.flink.ValidateEvents;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.apache.flink.contrib.streaming.state.RocksDBOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.rocksdb.CompressionType;

/**
 * edge.requests (segments served) -> per-title activity per tick, combined on each subtask's heap
 * -> per-title popularity <- viewer.events (play requests); titles -> cdn.directives (exactly-once)
 * and ClickHouse cdn_directives and popularity. Malformed input -> events.dlq and dead_letters.
 * State lives in RocksDB.
 */
public final class PopularityJob {
  private PopularityJob() {}

  /** Where the job's output goes; tests and the demo pass their own. */
  public record Sinks(
      Sink<Directive> directiveTopic,
      Sink<Directive> directiveTable,
      Sink<PopularityRow> popularityTable,
      Sink<DeadLetter> deadLetterTopic,
      Sink<DeadLetter> deadLetterTable) {

    public static Sinks production(String brokers, String jdbcUrl, String directivesTopic) {
      return new Sinks(
          KafkaEndpoints.jsonSink(
              brokers,
              directivesTopic,
              (Directive d) -> d.scope() + "/" + d.assetId(),
              "popularity-directives"),
          PopularityTables.directives(jdbcUrl),
          PopularityTables.popularity(jdbcUrl),
          KafkaEndpoints.jsonSink(
              brokers, Topics.EVENTS_DLQ, DeadLetter::sourceTopic, "popularity-dlq"),
          IntakeTables.deadLetters(jdbcUrl));
    }
  }

  public static void main(String[] args) throws Exception {
    ParameterTool params = JobParameters.of(args);
    String brokers = params.getRequired("bootstrap-servers");
    String jdbcUrl = JobParameters.clickHouseUrl(params);
    boolean bounded = params.getBoolean("bounded", false);
    String group = params.get("group-id", "popularity");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(rocksDb());
    env.enableCheckpointing(JobParameters.checkpointIntervalMillis(params));

    PopularityConfig d = PopularityConfig.defaults();
    PopularityConfig config =
        d.withHalfLife(
                Duration.ofMinutes(
                    params.getLong("half-life-minutes", d.halfLifeMillis() / 60_000)))
            .withFastHalfLife(
                Duration.ofMinutes(
                    params.getLong("fast-half-life-minutes", d.fastHalfLifeMillis() / 60_000)))
            .withTick(Duration.ofSeconds(params.getLong("tick-seconds", d.tickMillis() / 1000)))
            .withThresholdScale(params.getDouble("threshold-scale", d.thresholdScale()))
            .withLookahead(
                params.getInt("prefetch-first", d.prefetchFirstSegments()),
                params.getInt("lookahead", d.lookaheadSegments()));
    EventTimeOptions time = EventTimeOptions.from(params);
    build(
        env,
        RecordTime.EDGE_REQUEST.from(
            env,
            KafkaEndpoints.rawSource(
                brokers, params.get("edge-topic", Topics.EDGE_REQUESTS), group, bounded),
            time,
            "edge.requests"),
        RecordTime.VIEWER_EVENT.from(
            env,
            KafkaEndpoints.rawSource(
                brokers, params.get("viewer-topic", Topics.VIEWER_EVENTS), group, bounded),
            time,
            "viewer.events"),
        config,
        Sinks.production(brokers, jdbcUrl, params.get("directives-topic", Topics.CDN_DIRECTIVES)));
    env.execute("popularity");
  }

  /**
   * RocksDB with incremental checkpoints, so that the state of a large catalogue can outgrow the
   * heap. The state is small per title and read back soon after it is written, and profiles put the
   * job's time in snappy (de)compression and in reads of keys that are not there (titles without
   * plays): no compression, and bloom filters. Timers stay on the heap: there is one per title, and
   * in RocksDB each was a write, a delete and a seek per tick.
   */
  public static Configuration rocksDb() {
    Configuration c = new Configuration();
    c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    c.set(
        RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL, List.of(CompressionType.NO_COMPRESSION));
    c.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
    c.set(
        RocksDBOptions.TIMER_SERVICE_FACTORY,
        EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
    return c;
  }

  /**
   * The data flow. The raw streams carry event time and watermarks from their sources (see {@link
   * RecordTime}): per partition, so that catch-up never makes valid records late.
   */
  public static void build(
      StreamExecutionEnvironment env,
      DataStream<RawRecord> edgeRequests,
      DataStream<RawRecord> viewerEvents,
      PopularityConfig config,
      Sinks sinks) {
    // Every record on this flow is immutable once emitted (Java records, fresh objects per
    // output), so chained operators may pass them on without the defensive copy per record.
    env.getConfig().enableObjectReuse();
    SingleOutputStreamOperator<EdgeRequest> requests =
        edgeRequests
            .process(new ValidateEvents<>(EdgeRequest.class))
            .name("validate edge.requests")
            .uid("validate-edge-requests");
    SingleOutputStreamOperator<ViewerEvent> events =
        viewerEvents
            .process(new ValidateEvents<>(ViewerEvent.class))
            .name("validate viewer.events")
            .uid("validate-viewer-events");
    DataStream<DeadLetter> deadLetters =
        requests
            .getSideOutput(ValidateEvents.DEAD_LETTERS)
            .union(events.getSideOutput(ValidateEvents.DEAD_LETTERS));
    deadLetters.sinkTo(sinks.deadLetterTopic()).name("events.dlq").uid("dlq-topic-sink");
    deadLetters.sinkTo(sinks.deadLetterTable()).name("dead_letters").uid("dlq-table-sink");

    DataStream<EdgeRequest> segments =
        requests
            .filter(PopularityJob::isServedSegment)
            .name("served segments")
            .uid("served-segments");
    DataStream<ViewerEvent> plays =
        events
            .filter(e -> e.type() == ViewerEventType.PLAY_REQUEST)
            .name("play requests")
            .uid("play-requests");

    DataStream<TitleActivity> activity =
        segments
            .transform(
                "title activity per tick",
                TypeInformation.of(TitleActivity.class),
                new CombineTitleActivity(config))
            .uid("combine-title-activity");
    SingleOutputStreamOperator<Directive> directives =
        activity
            .connect(plays)
            .keyBy(
                a -> TitlePlannerFunction.key(a.region, a.assetId),
                p -> TitlePlannerFunction.key(p.region(), p.assetId()))
            .process(new TitlePlannerFunction(config))
            .name("title popularity")
            .uid("title-popularity");

    directives.sinkTo(sinks.directiveTopic()).name("cdn.directives").uid("directives-topic-sink");
    directives.sinkTo(sinks.directiveTable()).name("cdn_directives").uid("directives-table-sink");
    directives
        .getSideOutput(TitlePlannerFunction.ROWS)
        .sinkTo(sinks.popularityTable())
        .name("popularity")
        .uid("popularity-table-sink");
  }

  /**
   * Segments a viewer actually received; playlists, errors and the edge's own prefetches (logged
   * with {@link EdgeRequest#PREFETCH_METHOD}) say nothing about popularity.
   */
  static boolean isServedSegment(EdgeRequest r) {
    return r.objectType() == EdgeRequest.ObjectType.SEGMENT
        && !EdgeRequest.PREFETCH_METHOD.equals(r.method())
        && (r.status() == 200 || r.status() == 206)
        && r.assetId() != null
        && r.rendition() != null
        && r.segmentSequence() != null;
  }
}
