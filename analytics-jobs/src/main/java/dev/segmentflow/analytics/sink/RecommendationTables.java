package dev.segmentflow.analytics.sink;

import dev.segmentflow.analytics.recs.Recommendation;
import dev.segmentflow.schemas.clickhouse.ClickHouseSinks;
import dev.segmentflow.schemas.events.AssetCatalogueEntry;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * The recommendation job's tables. A viewer's newest list wins rank by rank (version = when it was
 * computed); a list shorter than the one before leaves the old tail, so readers take the rows of
 * each viewer's latest {@code computed_at}.
 */
public final class RecommendationTables {
  private RecommendationTables() {}

  public static JdbcSink<Recommendation> recommendations(String jdbcUrl) {
    return ClickHouseSinks.sink(
        jdbcUrl,
        "INSERT INTO recommendations (viewer_id, rank, asset_id, score, reason, computed_at,"
            + " version) VALUES (?, ?, ?, ?, ?, ?, ?)",
        RecommendationTables::bindRecommendation);
  }

  public static JdbcSink<AssetCatalogueEntry> catalogue(String jdbcUrl) {
    return ClickHouseSinks.sink(
        jdbcUrl,
        "INSERT INTO asset_catalogue (asset_id, title, genre, creator, duration_s, published_at,"
            + " live, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        RecommendationTables::bindTitle);
  }

  static void bindRecommendation(PreparedStatement ps, Recommendation r) throws SQLException {
    int i = 1;
    ps.setString(i++, r.viewerId());
    ps.setInt(i++, r.rank());
    ps.setString(i++, r.assetId());
    ps.setDouble(i++, r.score());
    ps.setString(i++, r.reason());
    ps.setTimestamp(i++, new Timestamp(r.computedAtMillis()));
    ps.setLong(i, r.computedAtMillis());
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
