package dev.segmentflow.jobs;

import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.clickhouse.IntakeTables;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.Event;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.flink.KafkaEndpoints;
import dev.segmentflow.schemas.flink.RawRecord;
import dev.segmentflow.schemas.flink.ValidateEvents;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * viewer.events -> validate -> ClickHouse viewer_events, and the edges' access log edge.requests ->
 * validate -> ClickHouse edge_requests; malformed records of either -> events.dlq and ClickHouse
 * dead_letters, each with its reason code.
 */
public final class EventIntakeJob {
  private EventIntakeJob() {}

  public static void main(String[] args) throws Exception {
    ParameterTool params = JobParameters.of(args);
    String brokers = params.getRequired("bootstrap-servers");
    String jdbcUrl = JobParameters.clickHouseUrl(params);
    String group = params.get("group-id", "event-intake");
    boolean bounded = params.getBoolean("bounded", false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(JobParameters.checkpointIntervalMillis(params));
    String dlqTopic = params.get("dlq-topic", Topics.EVENTS_DLQ);
    build(
        raw(
            env,
            KafkaEndpoints.rawSource(
                brokers, params.get("topic", Topics.VIEWER_EVENTS), group, bounded),
            "viewer.events"),
        IntakeTables.viewerEvents(jdbcUrl),
        KafkaEndpoints.jsonSink(brokers, dlqTopic, DeadLetter::sourceTopic, "event-intake-dlq"),
        IntakeTables.deadLetters(jdbcUrl));
    if (params.getBoolean("edge-requests", true)) {
      intake(
          raw(
              env,
              KafkaEndpoints.rawSource(
                  brokers, params.get("edge-topic", Topics.EDGE_REQUESTS), group, bounded),
              "edge-requests"),
          EdgeRequest.class,
          "edge-requests",
          IntakeTables.edgeRequests(jdbcUrl),
          KafkaEndpoints.jsonSink(
              brokers, dlqTopic, DeadLetter::sourceTopic, "edge-request-intake-dlq"),
          IntakeTables.deadLetters(jdbcUrl));
    }
    env.execute("event-intake");
  }

  /** A topic's raw records; intake keeps no event-time state, so it needs no watermarks. */
  public static DataStream<RawRecord> raw(
      StreamExecutionEnvironment env, Source<RawRecord, ?, ?> source, String name) {
    return env.fromSource(source, WatermarkStrategy.noWatermarks(), name);
  }

  /** The viewer-event flow, with input and sinks injected so that tests can choose them. */
  public static void build(
      DataStream<RawRecord> viewerEvents,
      Sink<ViewerEvent> events,
      Sink<DeadLetter> deadLetterTopic,
      Sink<DeadLetter> deadLetterTable) {
    // Validated records are immutable and the sinks encode them at once: chained operators may
    // pass them on without a defensive copy (5% of the job's CPU in bench/sink's profile).
    viewerEvents.getExecutionEnvironment().getConfig().enableObjectReuse();
    SingleOutputStreamOperator<ViewerEvent> valid =
        viewerEvents
            .process(new ValidateEvents<>(ViewerEvent.class))
            .name("validate")
            .uid("validate");
    valid.sinkTo(events).name("clickhouse viewer_events").uid("viewer-events-sink");
    var deadLetters = valid.getSideOutput(ValidateEvents.DEAD_LETTERS);
    deadLetters.sinkTo(deadLetterTopic).name("events.dlq").uid("dlq-topic-sink");
    deadLetters.sinkTo(deadLetterTable).name("clickhouse dead_letters").uid("dlq-table-sink");
  }

  /** One more validated topic into its table; {@code name} keeps its operators' uids apart. */
  public static <T extends Event> void intake(
      DataStream<RawRecord> records,
      Class<T> type,
      String name,
      Sink<T> rows,
      Sink<DeadLetter> deadLetterTopic,
      Sink<DeadLetter> deadLetterTable) {
    SingleOutputStreamOperator<T> valid =
        records
            .process(new ValidateEvents<>(type))
            .name("validate " + name)
            .uid("validate-" + name);
    valid.sinkTo(rows).name("clickhouse " + name).uid(name + "-sink");
    var deadLetters = valid.getSideOutput(ValidateEvents.DEAD_LETTERS);
    deadLetters.sinkTo(deadLetterTopic).name(name + " events.dlq").uid(name + "-dlq-topic-sink");
    deadLetters
        .sinkTo(deadLetterTable)
        .name(name + " clickhouse dead_letters")
        .uid(name + "-dlq-table-sink");
  }
}
