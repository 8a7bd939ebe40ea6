package dev.segmentflow.analytics.sink;

import dev.segmentflow.analytics.qoe.QoeAlert;
import dev.segmentflow.analytics.qoe.QoeMinute;
import dev.segmentflow.analytics.qoe.SessionSummary;
import dev.segmentflow.schemas.clickhouse.ClickHouseSinks;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/** The QoE job's ClickHouse tables (ReplacingMergeTree, deterministic keys: replays overwrite). */
public final class QoeTables {
  private QoeTables() {}

  public static JdbcSink<SessionSummary> sessions(String jdbcUrl) {
    return ClickHouseSinks.sink(
        jdbcUrl,
        "INSERT INTO qoe_sessions (session_id, viewer_id, asset_id, region, edge_id, device,"
            + " started_at, ended_at, startup_ms, play_ms, stall_ms, seek_ms, stall_count,"
            + " rebuffer_ratio, bitrate_switches, avg_bitrate_kbps, recoverable_errors, failed,"
            + " exit_before_start, end_reason, version)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        QoeTables::bindSession);
  }

  public static JdbcSink<QoeMinute> minutes(String jdbcUrl) {
    return ClickHouseSinks.sink(
        jdbcUrl,
        "INSERT INTO qoe_minute (minute, asset_id, region, edge_id, device, sessions, play_ms,"
            + " stall_ms, rebuffer_ratio, startup_p50_ms, startup_p95_ms, failures,"
            + " exits_before_start, bitrate_switches, version)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        QoeTables::bindMinute);
  }

  public static JdbcSink<QoeAlert> alerts(String jdbcUrl) {
    return ClickHouseSinks.sink(
        jdbcUrl,
        "INSERT INTO qoe_alerts (alert_id, minute, scope_type, scope, metric, value, threshold,"
            + " grade, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        QoeTables::bindAlert);
  }

  static void bindSession(PreparedStatement ps, SessionSummary s) throws SQLException {
    int i = 1;
    ps.setString(i++, s.sessionId());
    ps.setString(i++, s.viewerId());
    ps.setString(i++, s.assetId());
    ps.setString(i++, s.region());
    ps.setString(i++, s.edgeId());
    ps.setString(i++, s.device());
    ps.setTimestamp(i++, new Timestamp(s.startedAtMillis()));
    ps.setTimestamp(i++, new Timestamp(s.endedAtMillis()));
    if (s.startupMs() == null) {
      ps.setNull(i++, Types.INTEGER);
    } else {
      ps.setLong(i++, s.startupMs());
    }
    ps.setLong(i++, s.playMs());
    ps.setLong(i++, s.stallMs());
    ps.setLong(i++, s.seekMs());
    ps.setInt(i++, s.stallCount());
    ps.setDouble(i++, s.rebufferRatio());
    ps.setInt(i++, s.bitrateSwitches());
    ps.setDouble(i++, s.avgBitrateKbps());
    ps.setInt(i++, s.recoverableErrors());
    ps.setInt(i++, s.failed() ? 1 : 0);
    ps.setInt(i++, s.exitBeforeStart() ? 1 : 0);
    ps.setString(i++, s.endReason());
    ps.setLong(i, s.version());
  }

  static void bindMinute(PreparedStatement ps, QoeMinute m) throws SQLException {
    int i = 1;
    ps.setTimestamp(i++, new Timestamp(m.minuteStartMillis()));
    ps.setString(i++, m.assetId());
    ps.setString(i++, m.region());
    ps.setString(i++, m.edgeId());
    ps.setString(i++, m.device());
    ps.setInt(i++, m.sessions());
    ps.setLong(i++, m.playMs());
    ps.setLong(i++, m.stallMs());
    ps.setDouble(i++, m.rebufferRatio());
    ps.setDouble(i++, m.startupP50Ms());
    ps.setDouble(i++, m.startupP95Ms());
    ps.setInt(i++, m.failures());
    ps.setInt(i++, m.exitsBeforeStart());
    ps.setInt(i++, m.bitrateSwitches());
    ps.setLong(i, m.version());
  }

  static void bindAlert(PreparedStatement ps, QoeAlert a) throws SQLException {
    int i = 1;
    ps.setString(i++, a.alertId());
    ps.setTimestamp(i++, new Timestamp(a.minuteStartMillis()));
    ps.setString(i++, a.scopeType());
    ps.setString(i++, a.scope());
    ps.setString(i++, a.metric());
    ps.setDouble(i++, a.value());
    ps.setDouble(i++, a.threshold());
    ps.setString(i++, a.grade());
    ps.setString(i, a.message());
  }
}
