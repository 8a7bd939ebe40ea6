package dev.segmentflow.cli;

import dev.segmentflow.localservices.Infra;
import dev.segmentflow.schemas.clickhouse.ClickHouseJdbc;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;

/** What the demo prints at the end: the jobs' results in ClickHouse, and SQL to try. */
final class DemoSummary {
  private DemoSummary() {}

  static long scalar(String jdbcUrl, String sql) throws Exception {
    try (Connection c = ClickHouseJdbc.connect(jdbcUrl);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void print(String jdbcUrl, Infra.State infra) throws Exception {
    try (Connection c = ClickHouseJdbc.connect(jdbcUrl);
        Statement st = c.createStatement()) {
      table(
          st,
          "edge cache (edge_requests)",
          // Prefetch lines are origin traffic, not requests: byte hit ratio is 1 - (misses and
          // prefetches) / requested bytes.
          "SELECT edge_id, countIf(method != 'PREFETCH') AS requests, round(countIf(cache_status"
              + " IN ('HIT', 'PREFETCH_HIT')) / requests, 3) AS hit_ratio, round(1 - sumIf(bytes,"
              + " cache_status IN ('MISS', 'BYPASS')) / sumIf(bytes, method != 'PREFETCH'), 3) AS"
              + " byte_hit_ratio, countIf(cache_status = 'PREFETCH_HIT') AS prefetch_hits,"
              + " round(sumIf(bytes, method = 'PREFETCH') / 1e6, 1) AS prefetched_mb FROM"
              + " edge_requests FINAL GROUP BY edge_id ORDER BY edge_id");
      table(
          st,
          "QoE by region (qoe_sessions)",
          "SELECT region, count() AS sessions, round(sum(stall_ms) / (sum(stall_ms) + sum(play_ms)), 4)"
              + " AS rebuffer_ratio, quantile(0.5)(startup_ms) AS startup_p50_ms,"
              + " countIf(failed = 1) AS failed, round(avg(experience_score), 1) AS score"
              + " FROM qoe_sessions FINAL GROUP BY region ORDER BY region");
      table(
          st,
          "why viewers waited (qoe_stall_causes: rebuffers by the cause they were put down to)",
          "SELECT region, cause, count() AS stalls, round(sum(duration_ms) / 1000, 1) AS stall_s"
              + " FROM qoe_stall_causes FINAL WHERE kind = 'STALL' GROUP BY region, cause"
              + " ORDER BY region, cause");
      table(
          st,
          "top titles per region (popularity, at their peak)",
          "SELECT region, asset_id, round(max(requests_per_hour)) AS peak_req_per_h,"
              + " argMax(temperature, requests_per_hour) AS temperature, round(max(growth), 2) AS"
              + " max_growth FROM popularity FINAL GROUP BY region, asset_id"
              + " ORDER BY region, peak_req_per_h DESC LIMIT 2 BY region");
      table(
          st,
          "CDN directives issued (cdn_directives)",
          "SELECT kind, temperature, count() AS directives FROM cdn_directives FINAL"
              + " GROUP BY kind, temperature ORDER BY kind, temperature");
      table(
          st,
          "a recommendations sample (recommendation_lists, one row per viewer's list)",
          "SELECT viewer_id, rank, asset_id, round(s, 3) AS score, reason FROM"
              + " recommendation_lists FINAL ARRAY JOIN asset_ids AS asset_id, scores AS s,"
              + " reasons AS reason, arrayEnumerate(asset_ids) AS rank WHERE viewer_id IN (SELECT"
              + " any(viewer_id) FROM recommendation_lists GROUP BY substring(viewer_id, 1, 1))"
              + " ORDER BY viewer_id, rank LIMIT 6");
      table(
          st,
          "dead letters (bad input, counted, never dropped)",
          "SELECT source_topic, reason, count() AS n FROM dead_letters FINAL GROUP BY source_topic,"
              + " reason ORDER BY n DESC LIMIT 5");
    }
    System.out.println(
        "      SQL to try (database "
            + InfraCommand.DATABASE
            + ", over HTTP: echo 'SELECT ...' | curl -s http://127.0.0.1:"
            + infra.clickHouseHttpPort()
            + "/?database="
            + InfraCommand.DATABASE
            + " --data-binary @-):");
    System.out.println(
        "        SELECT region, asset_id, max(score) FROM popularity FINAL GROUP BY region, asset_id"
            + " ORDER BY 3 DESC LIMIT 10;");
    System.out.println(
        "        SELECT device, avg(rebuffer_ratio), quantile(0.9)(startup_ms) FROM qoe_sessions"
            + " FINAL GROUP BY device;");
    System.out.println(
        "        SELECT kind, scope, asset_id, renditions, ttl_s, reason FROM cdn_directives FINAL"
            + " ORDER BY issued_at DESC LIMIT 20;");
    System.out.println(
        "        SELECT viewer_id, computed_at, asset_ids FROM recommendation_lists FINAL LIMIT 5;");
  }

  static void table(Statement st, String title, String sql) throws Exception {
    System.out.println("      " + title + ":");
    try (ResultSet rs = st.executeQuery(sql)) {
      int cols = rs.getMetaData().getColumnCount();
      StringBuilder head = new StringBuilder("        ");
      for (int i = 1; i <= cols; i++) {
        head.append(String.format(Locale.ROOT, "%-16s", rs.getMetaData().getColumnLabel(i)));
      }
      System.out.println(head.toString().stripTrailing());
      int rows = 0;
      while (rs.next()) {
        StringBuilder row = new StringBuilder("        ");
        for (int i = 1; i <= cols; i++) {
          String v = String.valueOf(rs.getString(i));
          row.append(String.format(Locale.ROOT, i == cols ? "%s" : "%-16s", v));
        }
        System.out.println(row);
        rows++;
      }
      if (rows == 0) {
        System.out.println("        (none)");
      }
    }
  }
}
