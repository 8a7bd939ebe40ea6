package dev.segmentflow.schemas.flink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.segmentflow.schemas.validation.EventValidator;
import java.io.IOException;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Event time read from a raw record at the source, so that the Kafka source keeps a watermark per
 * partition: a backlog read faster on one partition than another (catch-up after an outage, a
 * restore, a new job on retained data) never pushes valid records of the slower one behind the
 * watermark. The time is one top-level number field, found by a streaming scan that stops at it (no
 * tree). A record whose time cannot be read takes its Kafka timestamp; validation dead-letters it
 * downstream.
 */
public enum RecordTime implements SerializableTimestampAssigner<RawRecord> {
  VIEWER_EVENT("eventTimeMillis"),
  EDGE_REQUEST("requestTimeMillis");

  /** The timestamp of a record without a usable time: below every watermark, so it moves none. */
  public static final long NO_TIME = Long.MIN_VALUE;

  private static final JsonFactory JSON = new JsonFactory();
  private static final long MAX_SKEW_MILLIS = EventValidator.DEFAULT_MAX_SKEW.toMillis();
  private final String field;

  RecordTime(String field) {
    this.field = field;
  }

  @Override
  public long extractTimestamp(RawRecord r, long kafkaTimestamp) {
    long t = read(r.value(), field);
    return t > System.currentTimeMillis() + MAX_SKEW_MILLIS ? NO_TIME : t;
  }

  /** The top-level integer field {@code name} of a JSON object, or {@link #NO_TIME}. */
  static long read(byte[] json, String name) {
    if (json == null) {
      return NO_TIME;
    }
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return NO_TIME;
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        boolean wanted = name.equals(p.currentName());
        JsonToken value = p.nextToken();
        if (wanted) {
          return value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : NO_TIME;
        }
        p.skipChildren();
      }
      return NO_TIME;
    } catch (IOException | RuntimeException e) {
      return NO_TIME;
    }
  }

  /**
   * Bounded out-of-orderness per partition; a partition silent for the idleness timeout follows the
   * wall clock instead of holding the others back (see {@link SplitWatermarks}).
   */
  public WatermarkStrategy<RawRecord> watermarks(EventTimeOptions time) {
    long outOfOrderness = time.outOfOrderness().toMillis();
    long idle = time.idleness().toMillis();
    return WatermarkStrategy.<RawRecord>forGenerator(
            ctx -> new SplitWatermarks(outOfOrderness, idle, System::currentTimeMillis))
        .withTimestampAssigner(this);
  }

  /** A source's records with their event time and per-split watermarks. */
  public DataStream<RawRecord> from(
      StreamExecutionEnvironment env,
      Source<RawRecord, ?, ?> source,
      EventTimeOptions time,
      String name) {
    return env.fromSource(source, watermarks(time), name).uid("source-" + name);
  }
}
