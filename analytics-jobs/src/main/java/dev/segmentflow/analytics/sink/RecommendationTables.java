package dev.segmentflow.analytics.sink;

import dev.segmentflow.analytics.recs.RecommendationList;
import dev.segmentflow.schemas.clickhouse.ClickHouseSinks;
import dev.segmentflow.schemas.events.AssetCatalogueEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * The recommendation job's tables. A viewer's list is one row of {@code recommendation_lists}
 * (arrays by rank), so the newest list replaces the previous one whole (version = when it was
 * computed; of two lists for the same time, the one written last).
 */
public final class RecommendationTables {
  private RecommendationTables() {}

  public static JdbcSink<RecommendationList> lists(String jdbcUrl) {
    return ClickHouseSinks.sink(
        jdbcUrl,
        "INSERT INTO recommendation_lists (viewer_id, region, computed_at, asset_ids, scores,"
            + " reasons, version) VALUES (?, ?, ?, ?, ?, ?, ?)",
        RecommendationTables::bindList);
  }

  public static JdbcSink<AssetCatalogueEntry> catalogue(String jdbcUrl) {
    return ClickHouseSinks.sink(
        jdbcUrl,
        "INSERT INTO asset_catalogue (asset_id, title, genre, creator, duration_s, published_at,"
            + " live, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        RecommendationTables::bindTitle);
  }

  public static void bindList(PreparedStatement ps, RecommendationList l) throws SQLException {
    Connection c = ps.getConnection();
    Double[] scores = Arrays.stream(l.scores()).boxed().toArray(Double[]::new);
    int i = 1;
    ps.setString(i++, l.viewerId());
    ps.setString(i++, l.region());
    ps.setTimestamp(i++, new Timestamp(l.computedAtMillis()));
    ps.setArray(i++, c.createArrayOf("String", l.assetIds()));
    ps.setArray(i++, c.createArrayOf("Float64", scores));
    ps.setArray(i++, c.createArrayOf("String", l.reasons()));
    ps.setLong(i, l.computedAtMillis());
  }

  static void bindTitle(PreparedStatement ps, AssetCatalogueEntry e) throws SQLException {
    int i = 1;
    ps.setString(i++, e.assetId());
    ps.setString(i++, e.title());
    ps.setString(i++, e.genre());
    ps.setString(i++, e.creator());
    ps.setDouble(i++, e.durationSeconds());
    ps.setTimestamp(i++, new Timestamp(e.publishedAtMillis()));
    ps.setInt(i++, e.live() ? 1 : 0);
    // A re-published entry replaces the old one; the same entry twice is the same row.
    ps.setLong(i, e.publishedAtMillis());
  }
}
