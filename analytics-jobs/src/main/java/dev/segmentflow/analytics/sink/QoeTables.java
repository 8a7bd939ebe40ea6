package dev.segmentflow.analytics.sink;

import dev.segmentflow.analytics.qoe.QoeAlert;
import dev.segmentflow.analytics.qoe.QoeMinute;
import dev.segmentflow.analytics.qoe.SessionSummary;
import dev.segmentflow.analytics.qoe.StallCause;
import dev.segmentflow.schemas.clickhouse.Binders;
import dev.segmentflow.schemas.clickhouse.ClickHouseSinks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Arrays;
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
            + " exit_before_start, end_reason, version, video_start_failure, playback_failure,"
            + " rebuffers_per_minute, seek_count, video_restart_ms, peak_bitrate_kbps,"
            + " bitrates_kbps, bitrate_play_ms, experience_score, upscale_ratio, downscale_ratio)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?, ?, ?, ?, ?, ?, ?)",
        QoeTables::bindSession);
  }

  public static JdbcSink<QoeMinute> minutes(String jdbcUrl) {
    return ClickHouseSinks.sink(
        jdbcUrl,
        "INSERT INTO qoe_minute (minute, asset_id, region, edge_id, device, sessions, play_ms,"
            + " stall_ms, rebuffer_ratio, startup_p50_ms, startup_p95_ms, failures,"
            + " exits_before_start, bitrate_switches, version, video_start_failures,"
            + " playback_failures, stall_count, rebuffers_per_minute, avg_bitrate_kbps,"
            + " peak_bitrate_kbps, restarts, restart_ms)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        QoeTables::bindMinute);
  }

  public static JdbcSink<QoeAlert> alerts(String jdbcUrl) {
    return ClickHouseSinks.sink(
        jdbcUrl,
        "INSERT INTO qoe_alerts (alert_id, minute, scope_type, scope, metric, value, threshold,"
            + " grade, message, dominant_cause, cause_share)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        QoeTables::bindAlert);
  }

  public static JdbcSink<StallCause> stallCauses(String jdbcUrl) {
    return ClickHouseSinks.sink(
        jdbcUrl,
        "INSERT INTO qoe_stall_causes (session_id, asset_id, region, edge_id, kind, started_at,"
            + " start_ms, duration_ms, cause, rendition, segment_sequence, cache_status,"
            + " origin_latency_us, throughput_kbps, bitrate_kbps)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        QoeTables::bindStallCause);
  }

  static void bindStallCause(PreparedStatement ps, StallCause c) throws SQLException {
    int i = 1;
    ps.setString(i++, c.sessionId());
    ps.setString(i++, c.assetId());
    ps.setString(i++, c.region());
    ps.setString(i++, c.edgeId());
    ps.setString(i++, c.kind());
    ps.setTimestamp(i++, new Timestamp(c.startMillis()));
    ps.setLong(i++, c.startMillis());
    ps.setLong(i++, c.durationMillis());
    ps.setString(i++, c.cause());
    ps.setString(i++, c.rendition());
    Binders.setInt(ps, i++, c.segmentSequence());
    ps.setString(i++, c.cacheStatus());
    Binders.setLong(ps, i++, c.originLatencyMicros());
    Binders.setLong(ps, i++, c.throughputKbps());
    Binders.setLong(ps, i, c.bitrateKbps());
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
    ps.setLong(i++, s.version());
    ps.setInt(i++, s.videoStartFailure() ? 1 : 0);
    ps.setInt(i++, s.playbackFailure() ? 1 : 0);
    ps.setDouble(i++, s.rebuffersPerMinute());
    ps.setInt(i++, s.seekCount());
    Binders.setDouble(ps, i++, s.videoRestartMs());
    ps.setLong(i++, s.peakBitrateKbps());
    Connection c = ps.getConnection();
    ps.setArray(i++, c.createArrayOf("UInt32", boxed(s.bitratesKbps())));
    ps.setArray(i++, c.createArrayOf("UInt64", boxed(s.bitratePlayMs())));
    Binders.setDouble(ps, i++, s.experienceScore());
    Binders.setDouble(ps, i++, s.upscaleRatio());
    Binders.setDouble(ps, i, s.downscaleRatio());
  }

  private static Long[] boxed(long[] values) {
    return Arrays.stream(values).boxed().toArray(Long[]::new);
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
    ps.setLong(i++, m.version());
    ps.setInt(i++, m.videoStartFailures());
    ps.setInt(i++, m.playbackFailures());
    ps.setInt(i++, m.stallCount());
    ps.setDouble(i++, m.rebuffersPerMinute());
    ps.setDouble(i++, m.avgBitrateKbps());
    ps.setLong(i++, m.peakBitrateKbps());
    ps.setInt(i++, m.restarts());
    ps.setLong(i, m.restartMs());
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
    ps.setString(i++, a.message());
    ps.setString(i++, a.dominantCause());
    ps.setDouble(i, a.causeShare());
  }
}
