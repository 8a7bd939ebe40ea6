package dev.segmentflow.analytics.sink;

import dev.segmentflow.schemas.clickhouse.ClickHouseJdbc;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.ViewerEvent;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * JDBC sinks into ClickHouse. Every table has a deterministic key and a ReplacingMergeTree engine,
 * so the at-least-once JDBC sink plus a replay after restore converges to exactly one row per key
 * (read with FINAL, or after merges).
 */
public final class ClickHouseSinks {
  private ClickHouseSinks() {}

  static JdbcConnectionOptions connection(String jdbcUrl) {
    return new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
        .withUrl(jdbcUrl)
        .withDriverName(ClickHouseJdbc.DRIVER)
        .withConnectionCheckTimeoutSeconds(10)
        .build();
  }

  static JdbcExecutionOptions batching() {
    // ClickHouse wants few large inserts; a checkpoint flushes whatever is pending.
    return JdbcExecutionOptions.builder()
        .withBatchSize(5000)
        .withBatchIntervalMs(1000)
        .withMaxRetries(3)
        .build();
  }

  public static <T> JdbcSink<T> sink(
      String jdbcUrl, String insertSql, JdbcStatementBuilder<T> binder) {
    return JdbcSink.<T>builder()
        .withQueryStatement(insertSql, binder)
        .withExecutionOptions(batching())
        .buildAtLeastOnce(connection(jdbcUrl));
  }

  public static JdbcSink<ViewerEvent> viewerEvents(String jdbcUrl) {
    return sink(
        jdbcUrl,
        "INSERT INTO viewer_events (event_id, event_type, session_id, viewer_id, asset_id, region,"
            + " edge_id, device, event_time, event_time_ms, position_s, bitrate_kbps,"
            + " buffer_length_ms, throughput_kbps, buffer_starvation, startup, fatal, error_code)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ClickHouseSinks::bindViewerEvent);
  }

  /** The edges' access log: what the cache-efficiency dashboard and notebook read. */
  public static JdbcSink<EdgeRequest> edgeRequests(String jdbcUrl) {
    return sink(
        jdbcUrl,
        "INSERT INTO edge_requests (request_id, edge_id, region, method, path, asset_id,"
            + " rendition, segment_sequence, object_type, status, cache_status, bytes, latency_us,"
            + " session_id, request_time, request_time_ms)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ClickHouseSinks::bindEdgeRequest);
  }

  public static void bindEdgeRequest(PreparedStatement ps, EdgeRequest r) throws SQLException {
    int i = 1;
    ps.setString(i++, r.requestId());
    ps.setString(i++, r.edgeId());
    ps.setString(i++, r.region());
    ps.setString(i++, r.method());
    ps.setString(i++, r.path());
    ps.setString(i++, nz(r.assetId()));
    ps.setString(i++, nz(r.rendition()));
    setInt(ps, i++, r.segmentSequence());
    ps.setString(i++, r.objectType().name());
    ps.setInt(i++, r.status());
    ps.setString(i++, r.cacheStatus().name());
    ps.setLong(i++, r.bytes());
    ps.setLong(i++, r.latencyMicros());
    ps.setString(i++, nz(r.sessionId()));
    ps.setTimestamp(i++, new Timestamp(r.requestTimeMillis()));
    ps.setLong(i, r.requestTimeMillis());
  }

  public static JdbcSink<DeadLetter> deadLetters(String jdbcUrl) {
    return sink(
        jdbcUrl,
        "INSERT INTO dead_letters (dead_letter_id, source_topic, source_partition, source_offset,"
            + " reason, field, detail, payload, payload_bytes, received_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ClickHouseSinks::bindDeadLetter);
  }

  public static void bindViewerEvent(PreparedStatement ps, ViewerEvent e) throws SQLException {
    int i = 1;
    ps.setString(i++, e.eventId());
    ps.setString(i++, Wire.name(e.type()));
    ps.setString(i++, e.sessionId());
    ps.setString(i++, e.viewerId());
    ps.setString(i++, e.assetId());
    ps.setString(i++, e.region());
    ps.setString(i++, nz(e.edgeId()));
    ps.setString(i++, nz(e.device()));
    ps.setTimestamp(i++, new Timestamp(e.eventTimeMillis()));
    ps.setLong(i++, e.eventTimeMillis());
    setDouble(ps, i++, e.positionSeconds());
    setLong(ps, i++, e.bitrateKbps());
    setLong(ps, i++, e.bufferLengthMillis());
    setLong(ps, i++, e.measuredThroughputKbps());
    setFlag(ps, i++, e.bufferStarvation());
    setFlag(ps, i++, e.startup());
    setFlag(ps, i++, e.fatal());
    ps.setString(i, nz(e.errorCode()));
  }

  static void bindDeadLetter(PreparedStatement ps, DeadLetter d) throws SQLException {
    int i = 1;
    ps.setString(i++, d.deadLetterId());
    ps.setString(i++, d.sourceTopic());
    setInt(ps, i++, d.sourcePartition());
    setLong(ps, i++, d.sourceOffset());
    ps.setString(i++, d.reason().name());
    ps.setString(i++, nz(d.field()));
    ps.setString(i++, d.detail());
    ps.setString(i++, d.payload());
    ps.setLong(i++, d.payloadBytes());
    ps.setTimestamp(i, new Timestamp(d.receivedAtMillis()));
  }

  static String nz(String s) {
    return s == null ? "" : s;
  }

  static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setInt(i, v);
    }
  }

  static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }

  static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.DOUBLE);
    } else {
      ps.setDouble(i, v);
    }
  }

  static void setFlag(PreparedStatement ps, int i, Boolean v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.TINYINT);
    } else {
      ps.setInt(i, v ? 1 : 0);
    }
  }
}
