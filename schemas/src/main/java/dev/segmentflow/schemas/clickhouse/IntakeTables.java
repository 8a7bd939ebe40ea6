package dev.segmentflow.schemas.clickhouse;

import static dev.segmentflow.schemas.clickhouse.Binders.nz;
import static dev.segmentflow.schemas.clickhouse.Binders.setDouble;
import static dev.segmentflow.schemas.clickhouse.Binders.setFlag;
import static dev.segmentflow.schemas.clickhouse.Binders.setInt;
import static dev.segmentflow.schemas.clickhouse.Binders.setLong;
import static dev.segmentflow.schemas.clickhouse.Binders.wireName;

import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.ViewerEvent;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * The tables of validated input as it arrived: viewer events, the edges' access log, and the dead
 * letters of every job.
 */
public final class IntakeTables {
  private IntakeTables() {}

  public static JdbcSink<ViewerEvent> viewerEvents(String jdbcUrl) {
    return ClickHouseSinks.sink(
        jdbcUrl,
        "INSERT INTO viewer_events (event_id, event_type, session_id, viewer_id, asset_id, region,"
            + " edge_id, device, event_time, event_time_ms, position_s, bitrate_kbps,"
            + " buffer_length_ms, throughput_kbps, buffer_starvation, startup, fatal, error_code)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        IntakeTables::bindViewerEvent);
  }

  /** The edges' access log: what the cache-efficiency dashboard and notebook read. */
  public static JdbcSink<EdgeRequest> edgeRequests(String jdbcUrl) {
    return ClickHouseSinks.sink(
        jdbcUrl,
        "INSERT INTO edge_requests (request_id, edge_id, region, method, path, asset_id,"
            + " rendition, segment_sequence, object_type, status, cache_status, bytes, latency_us,"
            + " session_id, request_time, request_time_ms)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        IntakeTables::bindEdgeRequest);
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
    return ClickHouseSinks.sink(
        jdbcUrl,
        "INSERT INTO dead_letters (dead_letter_id, source_topic, source_partition, source_offset,"
            + " reason, field, detail, payload, payload_bytes, received_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        IntakeTables::bindDeadLetter);
  }

  public static void bindViewerEvent(PreparedStatement ps, ViewerEvent e) throws SQLException {
    int i = 1;
    ps.setString(i++, e.eventId());
    ps.setString(i++, wireName(e.type()));
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

  public static void bindDeadLetter(PreparedStatement ps, DeadLetter d) throws SQLException {
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
}
