package dev.segmentflow.cache.flink;

import static dev.segmentflow.schemas.clickhouse.Binders.setInt;
import static dev.segmentflow.schemas.clickhouse.Binders.setLong;

import dev.segmentflow.cache.popularity.PopularityRow;
import dev.segmentflow.schemas.clickhouse.ClickHouseSinks;
import dev.segmentflow.schemas.events.Directive;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.apache.flink.api.connector.sink2.Sink;

/** The popularity job's ClickHouse tables: the directives it issued and popularity per title. */
public final class PopularityTables {
  private PopularityTables() {}

  public static Sink<Directive> directives(String jdbcUrl) {
    return ClickHouseSinks.sink(
        jdbcUrl,
        "INSERT INTO cdn_directives (directive_id, kind, scope_type, scope, asset_id, renditions,"
            + " segment_from, segment_to, ttl_s, temperature, score, reason, issued_at,"
            + " valid_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        PopularityTables::bindDirective);
  }

  public static Sink<PopularityRow> popularity(String jdbcUrl) {
    return ClickHouseSinks.sink(
        jdbcUrl,
        "INSERT INTO popularity (region, asset_id, window_end, requests_per_hour, growth, score,"
            + " temperature, bytes_served, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        PopularityTables::bindRow);
  }

  static void bindDirective(PreparedStatement ps, Directive d) throws SQLException {
    int i = 1;
    ps.setString(i++, d.directiveId());
    ps.setString(i++, d.kind().name());
    ps.setString(i++, d.scopeType().name());
    ps.setString(i++, d.scope());
    ps.setString(i++, d.assetId());
    ps.setArray(i++, ps.getConnection().createArrayOf("String", d.renditions().toArray()));
    setInt(ps, i++, d.segmentFrom());
    setInt(ps, i++, d.segmentTo());
    setLong(ps, i++, d.ttlSeconds());
    ps.setString(i++, d.temperature().name());
    ps.setDouble(i++, d.score());
    ps.setString(i++, d.reason());
    ps.setTimestamp(i++, new Timestamp(d.issuedAtMillis()));
    ps.setTimestamp(i, new Timestamp(d.validUntilMillis()));
  }

  static void bindRow(PreparedStatement ps, PopularityRow r) throws SQLException {
    int i = 1;
    ps.setString(i++, r.region());
    ps.setString(i++, r.assetId());
    ps.setTimestamp(i++, new Timestamp(r.windowEndMillis()));
    ps.setDouble(i++, r.requestsPerHour());
    ps.setDouble(i++, r.growth());
    ps.setDouble(i++, r.score());
    ps.setString(i++, r.temperature());
    ps.setLong(i++, r.bytesServed());
    ps.setLong(i, r.version());
  }
}
