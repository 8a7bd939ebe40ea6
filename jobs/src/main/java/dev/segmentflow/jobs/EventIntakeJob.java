package dev.segmentflow.jobs;

import dev.segmentflow.analytics.sink.ClickHouseSinks;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.flink.KafkaEndpoints;
import dev.segmentflow.schemas.flink.RawRecord;
import dev.segmentflow.schemas.flink.ValidateEvents;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * viewer.events -> validate -> ClickHouse viewer_events; malformed -> events.dlq and ClickHouse
 * dead_letters, each with its reason code.
 */
public final class EventIntakeJob {
  private EventIntakeJob() {}

  public static void main(String[] args) throws Exception {
    ParameterTool params = JobParameters.of(args);
    String brokers = params.getRequired("bootstrap-servers");
    String jdbcUrl = JobParameters.clickHouseUrl(params);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(params.getLong("checkpoint-interval-ms", 10_000));
    build(
        env,
        KafkaEndpoints.rawSource(
            brokers,
            params.get("topic", Topics.VIEWER_EVENTS),
            params.get("group-id", "event-intake"),
            params.getBoolean("bounded", false)),
        ClickHouseSinks.viewerEvents(jdbcUrl),
        KafkaEndpoints.jsonSink(
            brokers,
            params.get("dlq-topic", Topics.EVENTS_DLQ),
            DeadLetter::sourceTopic,
            "event-intake-dlq"),
        ClickHouseSinks.deadLetters(jdbcUrl));
    env.execute("event-intake");
  }

  /** The data flow, with sources and sinks injected so that tests and the demo can choose them. */
  public static void build(
      StreamExecutionEnvironment env,
      Source<RawRecord, ?, ?> source,
      Sink<ViewerEvent> events,
      Sink<DeadLetter> deadLetterTopic,
      Sink<DeadLetter> deadLetterTable) {
    SingleOutputStreamOperator<ViewerEvent> valid =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "viewer.events")
            .process(new ValidateEvents<>(ViewerEvent.class))
            .name("validate")
            .uid("validate");
    valid.sinkTo(events).name("clickhouse viewer_events").uid("viewer-events-sink");
    var deadLetters = valid.getSideOutput(ValidateEvents.DEAD_LETTERS);
    deadLetters.sinkTo(deadLetterTopic).name("events.dlq").uid("dlq-topic-sink");
    deadLetters.sinkTo(deadLetterTable).name("clickhouse dead_letters").uid("dlq-table-sink");
  }
}
