package dev.segmentflow.schemas.clickhouse;

import static dev.segmentflow.schemas.clickhouse.Binders.wireName;

import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.ViewerEvent;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * The tables of validated input as it arrived: viewer events, the edges' access log, and the dead
 * letters of every job. They take the most rows of any table, so they are written in RowBinary (see
 * {@link RowBinarySink}); the encoders follow the column order of their DDL.
 */
public final class IntakeTables {
  private IntakeTables() {}

  public static final RowBinaryTable<ViewerEvent> VIEWER_EVENTS =
      new RowBinaryTable<>(
          "viewer_events",
          List.of(
              "event_id",
              "event_type",
              "session_id",
              "viewer_id",
              "asset_id",
              "region",
              "edge_id",
              "device",
              "event_time",
              "event_time_ms",
              "position_s",
              "bitrate_kbps",
              "buffer_length_ms",
              "throughput_kbps",
              "buffer_starvation",
              "startup",
              "fatal",
              "error_code",
              "player_width",
              "player_height",
              "video_width",
              "video_height"),
          IntakeTables::encodeViewerEvent);

  /** The edges' access log: what the cache-efficiency dashboard and notebook read. */
  public static final RowBinaryTable<EdgeRequest> EDGE_REQUESTS =
      new RowBinaryTable<>(
          "edge_requests",
          List.of(
              "request_id",
              "edge_id",
              "region",
              "method",
              "path",
              "asset_id",
              "rendition",
              "segment_sequence",
              "object_type",
              "status",
              "cache_status",
              "bytes",
              "latency_us",
              "origin_latency_us",
              "session_id",
              "request_time",
              "request_time_ms"),
          IntakeTables::encodeEdgeRequest);

  public static final RowBinaryTable<DeadLetter> DEAD_LETTERS =
      new RowBinaryTable<>(
          "dead_letters",
          List.of(
              "dead_letter_id",
              "source_topic",
              "source_partition",
              "source_offset",
              "reason",
              "field",
              "detail",
              "payload",
              "payload_bytes",
              "received_at"),
          IntakeTables::encodeDeadLetter);

  public static Sink<ViewerEvent> viewerEvents(String jdbcUrl) {
    return RowBinarySink.of(jdbcUrl, VIEWER_EVENTS);
  }

  public static Sink<EdgeRequest> edgeRequests(String jdbcUrl) {
    return RowBinarySink.of(jdbcUrl, EDGE_REQUESTS);
  }

  public static Sink<DeadLetter> deadLetters(String jdbcUrl) {
    return RowBinarySink.of(jdbcUrl, DEAD_LETTERS);
  }

  static void encodeViewerEvent(ViewerEvent e, RowBinaryBuffer row) {
    row.string(e.eventId())
        .string(wireName(e.type()))
        .string(e.sessionId())
        .string(e.viewerId())
        .string(e.assetId())
        .string(e.region())
        .string(e.edgeId())
        .string(e.device())
        .dateTime(e.eventTimeMillis())
        .int64(e.eventTimeMillis())
        .nullableFloat64(e.positionSeconds())
        .nullableInt64(e.bitrateKbps())
        .nullableInt64(e.bufferLengthMillis())
        .nullableInt64(e.measuredThroughputKbps())
        .nullableFlag(e.bufferStarvation())
        .nullableFlag(e.startup())
        .nullableFlag(e.fatal())
        .string(e.errorCode())
        .nullableInt32(e.playerWidth())
        .nullableInt32(e.playerHeight())
        .nullableInt32(e.videoWidth())
        .nullableInt32(e.videoHeight());
  }

  static void encodeEdgeRequest(EdgeRequest r, RowBinaryBuffer row) {
    row.string(r.requestId())
        .string(r.edgeId())
        .string(r.region())
        .string(r.method())
        .string(r.path())
        .string(r.assetId())
        .string(r.rendition())
        .nullableInt32(r.segmentSequence())
        .string(r.objectType().name())
        .uint16(r.status())
        .string(r.cacheStatus().name())
        .int64(r.bytes())
        .int64(r.latencyMicros())
        .nullableInt64(r.originLatencyMicros())
        .string(r.sessionId())
        .dateTime(r.requestTimeMillis())
        .int64(r.requestTimeMillis());
  }

  static void encodeDeadLetter(DeadLetter d, RowBinaryBuffer row) {
    row.string(d.deadLetterId())
        .string(d.sourceTopic())
        .nullableInt32(d.sourcePartition())
        .nullableInt64(d.sourceOffset())
        .string(d.reason().name())
        .string(d.field())
        .string(d.detail())
        .string(d.payload())
        .uint32(d.payloadBytes())
        .dateTime(d.receivedAtMillis());
  }
}
