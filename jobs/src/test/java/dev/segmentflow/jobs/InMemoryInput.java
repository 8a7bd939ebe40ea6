package dev.segmentflow.jobs;

import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.flink.EventTimeOptions;
import dev.segmentflow.schemas.flink.RawRecord;
import dev.segmentflow.schemas.flink.RecordTime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** A topic's records held in memory, for the fast tests of the jobs' {@code build(...)}. */
final class InMemoryInput {
  private final String topic;
  private final List<RawRecord> records = new ArrayList<>();

  InMemoryInput(String topic) {
    this.topic = topic;
  }

  InMemoryInput add(Object record) {
    return addRaw(Json.string(record));
  }

  InMemoryInput addRaw(String payload) {
    records.add(
        new RawRecord(
            topic, 0, records.size(), 0L, null, payload.getBytes(StandardCharsets.UTF_8)));
    return this;
  }

  int size() {
    return records.size();
  }

  /** The records as one split, without event time. */
  DataStream<RawRecord> stream(StreamExecutionEnvironment env) {
    return env.fromData(records);
  }

  /**
   * The records as one split with event time read from each, as the Kafka source does; no records
   * make an empty split.
   */
  DataStream<RawRecord> timed(
      StreamExecutionEnvironment env, RecordTime time, EventTimeOptions options) {
    DataStream<RawRecord> split =
        records.isEmpty()
            // fromData refuses an empty collection: an empty topic is a sequence that yields none
            ? env.fromSequence(0, 0)
                .filter(n -> false)
                .map(n -> (RawRecord) null)
                .returns(RawRecord.class)
            : env.fromData(records);
    return split.assignTimestampsAndWatermarks(time.watermarks(options));
  }
}
