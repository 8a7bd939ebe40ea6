package dev.segmentflow.schemas.flink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.segmentflow.schemas.validation.EventValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Event time read from a raw record at the source, so that the Kafka source keeps a watermark per
 * partition: a backlog read faster on one partition than another (catch-up after an outage, a
 * restore, a new job on retained data) never pushes valid records of the slower one behind the
 * watermark. The time is one top-level integer field. Where it is the object's last member (as our
 * producers write edge requests) it is read from the record's tail without parsing the rest;
 * otherwise a streaming scan (no tree) reads it. Either way a name given twice counts by its last
 * value, as validation reads it. A record whose time cannot be read moves no watermark; validation
 * dead-letters it downstream.
 */
public enum RecordTime implements SerializableTimestampAssigner<RawRecord> {
  VIEWER_EVENT("eventTimeMillis"),
  EDGE_REQUEST("requestTimeMillis");

  /** The timestamp of a record without a usable time: below every watermark, so it moves none. */
  public static final long NO_TIME = Long.MIN_VALUE;

  private static final JsonFactory JSON = new JsonFactory();
  private static final long MAX_SKEW_MILLIS = EventValidator.DEFAULT_MAX_SKEW.toMillis();
  private final String field;
  private final byte[] quotedField;

  RecordTime(String field) {
    this.field = field;
    this.quotedField = ("\"" + field + "\"").getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public long extractTimestamp(RawRecord r, long kafkaTimestamp) {
    long t = readTail(r.value(), quotedField);
    if (t == NOT_AT_TAIL) {
      t = read(r.value(), field);
    }
    return t > System.currentTimeMillis() + MAX_SKEW_MILLIS ? NO_TIME : t;
  }

  private static final long NOT_AT_TAIL = Long.MIN_VALUE + 1;

  /**
   * The value of {@code quotedName} when it is the last member of the object, {@code ..., "name":
   * digits }, read backwards from the end; {@link #NOT_AT_TAIL} for anything else (then the scan
   * decides). The last closing brace of a JSON text whose root is an object closes that root, so a
   * member right before it is a top-level member and outside any string.
   */
  static long readTail(byte[] json, byte[] quotedName) {
    if (json == null) {
      return NOT_AT_TAIL;
    }
    int i = skipSpaceBack(json, json.length - 1);
    if (i < 0 || json[i] != '}') {
      return NOT_AT_TAIL;
    }
    int end = skipSpaceBack(json, i - 1);
    i = end;
    while (i >= 0 && json[i] >= '0' && json[i] <= '9') {
      i--;
    }
    int start = i + 1;
    int digits = end - i;
    // 18 digits cannot overflow; a leading zero is not JSON: both left to the scan.
    if (digits == 0 || digits > 18 || (digits > 1 && json[start] == '0')) {
      return NOT_AT_TAIL;
    }
    i = skipSpaceBack(json, i);
    if (i < 0 || json[i] != ':') {
      return NOT_AT_TAIL;
    }
    i = skipSpaceBack(json, i - 1);
    int nameStart = i - quotedName.length + 1;
    if (nameStart < 1 || !Arrays.equals(json, nameStart, i + 1, quotedName, 0, quotedName.length)) {
      return NOT_AT_TAIL;
    }
    i = skipSpaceBack(json, nameStart - 1);
    if (i < 0 || (json[i] != ',' && json[i] != '{')) {
      return NOT_AT_TAIL;
    }
    long t = 0;
    for (int d = start; d <= end; d++) {
      t = t * 10 + (json[d] - '0');
    }
    return t;
  }

  private static int skipSpaceBack(byte[] b, int i) {
    while (i >= 0 && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i--;
    }
    return i;
  }

  /**
   * The top-level integer field {@code name} of a JSON object (its last value if given twice), or
   * {@link #NO_TIME}.
   */
  static long read(byte[] json, String name) {
    if (json == null) {
      return NO_TIME;
    }
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return NO_TIME;
      }
      long found = NO_TIME;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean wanted = name.equals(p.currentName());
        JsonToken value = p.nextToken();
        if (wanted) {
          found = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : NO_TIME;
        }
        p.skipChildren();
      }
      return p.currentToken() == JsonToken.END_OBJECT ? found : NO_TIME;
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
