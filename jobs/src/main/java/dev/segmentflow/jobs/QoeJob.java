package dev.segmentflow.jobs;

import dev.segmentflow.analytics.flink.AlertGrading;
import dev.segmentflow.analytics.flink.MinuteWindowFunction;
import dev.segmentflow.analytics.flink.ScopedMinute;
import dev.segmentflow.analytics.flink.ScopedStall;
import dev.segmentflow.analytics.flink.SessionFunction;
import dev.segmentflow.analytics.flink.StallCauseFunction;
import dev.segmentflow.analytics.qoe.MinuteSlice;
import dev.segmentflow.analytics.qoe.QoeAlert;
import dev.segmentflow.analytics.qoe.QoeGrader;
import dev.segmentflow.analytics.qoe.QoeMinute;
import dev.segmentflow.analytics.qoe.SessionSummary;
import dev.segmentflow.analytics.qoe.StallCause;
import dev.segmentflow.analytics.qoe.Waiting;
import dev.segmentflow.analytics.sink.QoeTables;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.clickhouse.IntakeTables;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.flink.EventTimeOptions;
import dev.segmentflow.schemas.flink.KafkaEndpoints;
import dev.segmentflow.schemas.flink.RawRecord;
import dev.segmentflow.schemas.flink.RecordTime;
import dev.segmentflow.schemas.flink.ValidateEvents;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.Collector;

/**
 * viewer.events -> validate -> keyBy session -> SessionStateMachine -> ClickHouse qoe_sessions;
 * session minute slices -> keyBy asset x region x edge x device -> 1 min windows -> qoe_minute;
 * waiting stretches and edge.requests -> keyBy session -> StallAttributor -> qoe_stall_causes;
 * minutes and stall causes -> keyBy region / edge -> 1 min windows -> grade -> qoe_alerts.
 * Malformed, late and after-the-end events -> events.dlq and dead_letters.
 */
public final class QoeJob {
  private QoeJob() {}

  /** Where the job's output goes; tests and the demo pass their own. */
  public record Sinks(
      Sink<SessionSummary> sessionTable,
      Sink<QoeMinute> minuteTable,
      Sink<QoeAlert> alertTable,
      Sink<StallCause> stallCauseTable,
      Sink<DeadLetter> deadLetterTopic,
      Sink<DeadLetter> deadLetterTable) {

    public static Sinks production(String brokers, String jdbcUrl) {
      return new Sinks(
          QoeTables.sessions(jdbcUrl),
          QoeTables.minutes(jdbcUrl),
          QoeTables.alerts(jdbcUrl),
          QoeTables.stallCauses(jdbcUrl),
          KafkaEndpoints.jsonSink(brokers, Topics.EVENTS_DLQ, DeadLetter::sourceTopic, "qoe-dlq"),
          IntakeTables.deadLetters(jdbcUrl));
    }
  }

  /** Event time, sessions and the grading thresholds. */
  public record Settings(
      EventTimeOptions time, QoeGrader.Thresholds thresholds, String sourceTopic) {
    public static Settings defaults() {
      return new Settings(
          EventTimeOptions.defaults(), QoeGrader.Thresholds.defaults(), Topics.VIEWER_EVENTS);
    }
  }

  /** The edge.requests source of a production run: the same time rules as the viewer events. */
  static DataStream<RawRecord> edgeRequests(
      StreamExecutionEnvironment env, ParameterTool params, String brokers, Settings settings) {
    return RecordTime.EDGE_REQUEST.from(
        env,
        KafkaEndpoints.rawSource(
            brokers,
            params.get("edge-topic", Topics.EDGE_REQUESTS),
            params.get("group-id", "qoe"),
            params.getBoolean("bounded", false)),
        settings.time(),
        "edge.requests");
  }

  public static void main(String[] args) throws Exception {
    ParameterTool params = JobParameters.of(args);
    String brokers = params.getRequired("bootstrap-servers");
    String jdbcUrl = JobParameters.clickHouseUrl(params);
    String topic = params.get("viewer-topic", Topics.VIEWER_EVENTS);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(PopularityJob.rocksDb());
    env.enableCheckpointing(JobParameters.checkpointIntervalMillis(params));
    Settings d = Settings.defaults();
    QoeGrader.Thresholds t = d.thresholds();
    Settings settings =
        new Settings(
            EventTimeOptions.from(params),
            new QoeGrader.Thresholds(
                params.getDouble("max-rebuffer-ratio", t.rebufferRatio()),
                params.getDouble("max-startup-ms", t.startupMs()),
                params.getDouble("max-switches", t.switchesPerSession()),
                params.getDouble("max-failure-rate", t.failureRate()),
                params.getInt("min-sessions", t.minSessions())),
            topic);
    build(
        env,
        RecordTime.VIEWER_EVENT.from(
            env,
            KafkaEndpoints.rawSource(
                brokers, topic, params.get("group-id", "qoe"), params.getBoolean("bounded", false)),
            settings.time(),
            "viewer.events"),
        edgeRequests(env, params, brokers, settings),
        settings,
        Sinks.production(brokers, jdbcUrl));
    env.execute("qoe");
  }

  /**
   * The data flow. The raw stream carries event time and per-partition watermarks from its source
   * (see {@link RecordTime}).
   */
  public static void build(
      StreamExecutionEnvironment env,
      DataStream<RawRecord> viewerEvents,
      DataStream<RawRecord> edgeRequests,
      Settings settings,
      Sinks sinks) {
    SingleOutputStreamOperator<ViewerEvent> events =
        viewerEvents
            .process(new ValidateEvents<>(ViewerEvent.class))
            .name("validate viewer.events")
            .uid("validate-viewer-events");

    SingleOutputStreamOperator<SessionSummary> sessions =
        events
            .keyBy(ViewerEvent::sessionId)
            .process(new SessionFunction(settings.time(), settings.sourceTopic()))
            .name("sessions")
            .uid("sessions");
    sessions.sinkTo(sinks.sessionTable()).name("qoe_sessions").uid("qoe-sessions-sink");

    DataStream<QoeMinute> minutes =
        sessions
            .getSideOutput(SessionFunction.SLICES)
            .keyBy(MinuteSlice::aggregateKey)
            .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
            .process(new MinuteWindowFunction())
            .name("minute aggregates")
            .uid("qoe-minutes");
    minutes.sinkTo(sinks.minuteTable()).name("qoe_minute").uid("qoe-minute-sink");

    SingleOutputStreamOperator<EdgeRequest> requests =
        edgeRequests
            .process(new ValidateEvents<>(EdgeRequest.class))
            .name("validate edge.requests")
            .uid("validate-edge-requests");
    DataStream<StallCause> causes =
        sessions
            .getSideOutput(SessionFunction.WAITS)
            .connect(requests.filter(r -> r.sessionId() != null).name("with a CMCD session"))
            .keyBy(Waiting::sessionId, EdgeRequest::sessionId)
            .process(new StallCauseFunction())
            .name("stall causes")
            .uid("qoe-stall-causes");
    causes.sinkTo(sinks.stallCauseTable()).name("qoe_stall_causes").uid("qoe-stall-causes-sink");

    grade(minutes, causes, settings.thresholds())
        .sinkTo(sinks.alertTable())
        .name("qoe_alerts")
        .uid("qoe-alerts-sink");

    DataStream<DeadLetter> deadLetters =
        events
            .getSideOutput(ValidateEvents.DEAD_LETTERS)
            .union(
                sessions.getSideOutput(SessionFunction.DEAD_LETTERS),
                requests.getSideOutput(ValidateEvents.DEAD_LETTERS));
    deadLetters.sinkTo(sinks.deadLetterTopic()).name("events.dlq").uid("dlq-topic-sink");
    deadLetters.sinkTo(sinks.deadLetterTable()).name("dead_letters").uid("dlq-table-sink");
  }

  /**
   * Each region's and edge's minute, graded, with the stalls that ended in it: alerts name the
   * dominant stall cause.
   */
  @SuppressWarnings("deprecation")
  static DataStream<QoeAlert> grade(
      DataStream<QoeMinute> minutes, DataStream<StallCause> causes, QoeGrader.Thresholds limits) {
    DataStream<ScopedMinute> scopedMinutes =
        minutes
            .flatMap(
                (QoeMinute m, Collector<ScopedMinute> out) ->
                    AlertGrading.scopes(m).forEach(out::collect))
            .returns(ScopedMinute.class)
            .name("scopes")
            .uid("qoe-scopes");
    DataStream<ScopedStall> scopedStalls =
        causes
            .flatMap(
                (StallCause c, Collector<ScopedStall> out) ->
                    AlertGrading.scopes(c).forEach(out::collect))
            .returns(ScopedStall.class)
            .name("stall scopes")
            .uid("qoe-stall-scopes");
    return scopedMinutes
        .coGroup(scopedStalls)
        .where(ScopedMinute::scope)
        .equalTo(ScopedStall::scope)
        .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
        // with(), not apply(): on 1.20 only with() returns an operator that can be named and given
        // a uid, which savepoints need
        .with(new AlertGrading(limits), TypeInformation.of(QoeAlert.class))
        .name("grade")
        .uid("qoe-grade");
  }
}
