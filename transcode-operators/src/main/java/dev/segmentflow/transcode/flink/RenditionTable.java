package dev.segmentflow.transcode.flink;

import static dev.segmentflow.schemas.clickhouse.Binders.setDouble;

import dev.segmentflow.schemas.clickhouse.ClickHouseSinks;
import dev.segmentflow.schemas.events.RenderedSegment;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.apache.flink.api.connector.sink2.Sink;

/** ClickHouse renditions: one row per rendered segment, what the transcode dashboards read. */
public final class RenditionTable {
  private RenditionTable() {}

  public static Sink<RenderedSegment> sink(String jdbcUrl) {
    return ClickHouseSinks.sink(
        jdbcUrl,
        "INSERT INTO renditions (rendered_id, asset_id, rendition, sequence, packaging, uri, width,"
            + " height, bitrate_kbps, duration_s, bytes, encoder, encode_ms, psnr, ssim,"
            + " rendered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        RenditionTable::bindRendition);
  }

  static void bindRendition(PreparedStatement ps, RenderedSegment r) throws SQLException {
    int i = 1;
    ps.setString(i++, r.renderedId());
    ps.setString(i++, r.assetId());
    ps.setString(i++, r.rendition());
    ps.setInt(i++, r.sequence());
    ps.setString(i++, r.packaging().name());
    ps.setString(i++, r.uri());
    ps.setInt(i++, r.width());
    ps.setInt(i++, r.height());
    ps.setLong(i++, r.bitrateKbps());
    ps.setDouble(i++, r.durationSeconds());
    ps.setLong(i++, r.bytes());
    ps.setString(i++, r.encoder());
    ps.setLong(i++, r.encodeMillis());
    setDouble(ps, i++, r.psnr());
    setDouble(ps, i++, r.ssim());
    ps.setTimestamp(i, new Timestamp(r.renderedAtMillis()));
  }
}
