package dev.segmentflow.jobs;

import dev.segmentflow.analytics.flink.RecommendationFunction;
import dev.segmentflow.analytics.flink.WatchFunction;
import dev.segmentflow.analytics.recs.RecommendationList;
import dev.segmentflow.analytics.recs.RecommenderConfig;
import dev.segmentflow.analytics.recs.Title;
import dev.segmentflow.analytics.recs.WatchedSession;
import dev.segmentflow.analytics.sink.RecommendationTables;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.clickhouse.IntakeTables;
import dev.segmentflow.schemas.events.AssetCatalogueEntry;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.flink.EventTimeOptions;
import dev.segmentflow.schemas.flink.KafkaEndpoints;
import dev.segmentflow.schemas.flink.RawRecord;
import dev.segmentflow.schemas.flink.RecordTime;
import dev.segmentflow.schemas.flink.ValidateEvents;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * viewer.events -> validate -> keyBy session -> how far each session got; asset.catalogue ->
 * titles; both -> the model (co-views, regional trending, catalogue) -> per viewer top-N with the
 * diversity caps and freshness boost -> ClickHouse recommendations. Catalogue -> asset_catalogue.
 * Malformed events, events after a session was counted and views of unknown titles -> events.dlq
 * and dead_letters.
 */
public final class RecommendationJob {
  private RecommendationJob() {}

  /** Where the job's output goes; tests and the demo pass their own. */
  public record Sinks(
      Sink<RecommendationList> recommendationTable,
      Sink<AssetCatalogueEntry> catalogueTable,
      Sink<DeadLetter> deadLetterTopic,
      Sink<DeadLetter> deadLetterTable) {

    public static Sinks production(String brokers, String jdbcUrl) {
      return new Sinks(
          RecommendationTables.lists(jdbcUrl),
          RecommendationTables.catalogue(jdbcUrl),
          KafkaEndpoints.jsonSink(brokers, Topics.EVENTS_DLQ, DeadLetter::sourceTopic, "recs-dlq"),
          IntakeTables.deadLetters(jdbcUrl));
    }
  }

  /** Event time, sessions and how often lists are refreshed. */
  public record Settings(
      EventTimeOptions time, Duration refresh, RecommenderConfig recommender, String sourceTopic) {
    public static Settings defaults() {
      return new Settings(
          EventTimeOptions.defaults(),
          Duration.ofMinutes(1),
          RecommenderConfig.defaults(),
          Topics.VIEWER_EVENTS);
    }
  }

  public static void main(String[] args) throws Exception {
    ParameterTool params = JobParameters.of(args);
    String brokers = params.getRequired("bootstrap-servers");
    String jdbcUrl = JobParameters.clickHouseUrl(params);
    String topic = params.get("viewer-topic", Topics.VIEWER_EVENTS);
    String group = params.get("group-id", "recommendations");
    boolean bounded = params.getBoolean("bounded", false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(heapState());
    env.enableCheckpointing(JobParameters.checkpointIntervalMillis(params));
    Settings d = Settings.defaults();
    RecommenderConfig r = d.recommender();
    Settings settings =
        new Settings(
            EventTimeOptions.from(params),
            Duration.ofSeconds(params.getLong("refresh-seconds", d.refresh().toSeconds())),
            new RecommenderConfig(
                params.getInt("top-n", r.topN()),
                params.getDouble("min-watch-ratio", r.minWatchRatio()),
                r.minLiveWatchSeconds(),
                params.getInt("neighbours", r.neighboursPerTitle()),
                r.historyPerViewer(),
                r.seedsPerViewer(),
                r.coViewHalfLife(),
                r.trendingHalfLife(),
                r.trendingWeight(),
                r.contentWeight(),
                params.getDouble("genre-cap", r.genreCap()),
                params.getDouble("creator-cap", r.creatorCap()),
                params.getDouble("freshness-boost", r.freshnessBoost()),
                r.freshnessHalfLife()),
            topic);
    build(
        env,
        RecordTime.VIEWER_EVENT.from(
            env,
            KafkaEndpoints.rawSource(brokers, topic, group, bounded),
            settings.time(),
            "viewer.events"),
        env.fromSource(
            KafkaEndpoints.rawSource(
                brokers, params.get("catalogue-topic", Topics.ASSET_CATALOGUE), group, bounded),
            WatermarkStrategy.noWatermarks(),
            "asset.catalogue"),
        settings,
        Sinks.production(brokers, jdbcUrl));
    env.execute("recommendations");
  }

  /**
   * The model is one object read and changed at every refresh; on the heap that costs nothing,
   * where RocksDB would serialise all of it each time. Its size is bounded by the catalogue, the
   * neighbours per title and the history per viewer.
   */
  public static Configuration heapState() {
    Configuration c = new Configuration();
    c.set(StateBackendOptions.STATE_BACKEND, "hashmap");
    return c;
  }

  public static void build(
      StreamExecutionEnvironment env,
      DataStream<RawRecord> viewerEvents,
      DataStream<RawRecord> catalogue,
      Settings settings,
      Sinks sinks) {
    SingleOutputStreamOperator<ViewerEvent> events =
        viewerEvents
            .process(new ValidateEvents<>(ViewerEvent.class))
            .name("validate viewer.events")
            .uid("validate-viewer-events");
    SingleOutputStreamOperator<AssetCatalogueEntry> titles =
        catalogue
            .process(new ValidateEvents<>(AssetCatalogueEntry.class))
            .name("validate asset.catalogue")
            .uid("validate-catalogue");
    titles.sinkTo(sinks.catalogueTable()).name("asset_catalogue").uid("catalogue-table-sink");

    SingleOutputStreamOperator<WatchedSession> sessions =
        events
            .keyBy(ViewerEvent::sessionId)
            .process(new WatchFunction(settings.time(), settings.sourceTopic()))
            .name("sessions watched")
            .uid("sessions-watched");

    SingleOutputStreamOperator<RecommendationList> lists =
        sessions
            .connect(
                titles
                    .map(Title::of)
                    .name("titles")
                    .uid("titles")
                    // Reference data: it never holds event time back once it has gone quiet.
                    .assignTimestampsAndWatermarks(
                        WatermarkStrategy.<Title>noWatermarks()
                            .withIdleness(settings.time().idleness()))
                    .uid("catalogue-time"))
            .keyBy(s -> RecommendationFunction.MODEL, t -> RecommendationFunction.MODEL)
            .process(
                new RecommendationFunction(
                    settings.recommender(),
                    settings.refresh(),
                    settings.time().inactivity(),
                    settings.sourceTopic()))
            .name("recommendation model")
            .uid("recommendation-model");
    lists.sinkTo(sinks.recommendationTable()).name("recommendation_lists").uid("recs-table-sink");

    DataStream<DeadLetter> deadLetters =
        events
            .getSideOutput(ValidateEvents.DEAD_LETTERS)
            .union(
                titles.getSideOutput(ValidateEvents.DEAD_LETTERS),
                sessions.getSideOutput(WatchFunction.DEAD_LETTERS),
                lists.getSideOutput(RecommendationFunction.DEAD_LETTERS));
    deadLetters.sinkTo(sinks.deadLetterTopic()).name("events.dlq").uid("dlq-topic-sink");
    deadLetters.sinkTo(sinks.deadLetterTable()).name("dead_letters").uid("dlq-table-sink");
  }
}
