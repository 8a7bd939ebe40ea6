package dev.segmentflow.schemas.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.testkit.RealServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every panel of every dashboard in deploy/grafana: its SQL, with the data source's macros expanded
 * the way the Grafana ClickHouse plugin does, runs on the real ClickHouse server and on the current
 * engine (chdb) over the same seeded rows, and returns rows on both.
 */
@ExtendWith(RealServices.class)
class GrafanaDashboardsTest {
  static final Path DASHBOARDS = Path.of("../deploy/grafana/dashboards");
  // Recent: the current engine's tables carry TTLs that drop rows older than their retention.
  static final long FROM = System.currentTimeMillis() / 3_600_000 * 3600 - 3 * 3600;
  static final long TO = FROM + 6 * 3600;
  static final Pattern TIME_FILTER = Pattern.compile("\\$__timeFilter\\(([a-z_]+)\\)");

  static final Map<String, String> PANELS = new LinkedHashMap<>();

  @BeforeAll
  static void readDashboards() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Path> files;
    try (Stream<Path> s = Files.list(DASHBOARDS)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files)
        .extracting(p -> p.getFileName().toString())
        .containsExactly("cache-efficiency.json", "qoe-overview.json", "transcoding.json");
    for (Path f : files) {
      JsonNode d = json.readTree(f.toFile());
      assertThat(d.path("uid").asText()).as(f + " uid").startsWith("segmentflow-");
      for (JsonNode p : d.path("panels")) {
        assertThat(p.path("datasource").path("type").asText())
            .isEqualTo("grafana-clickhouse-datasource");
        JsonNode targets = p.path("targets");
        assertThat(targets.size()).as(p.path("title").asText()).isGreaterThan(0);
        for (JsonNode t : targets) {
          PANELS.put(
              f.getFileName() + " / " + p.path("title").asText() + " / " + t.path("refId").asText(),
              expand(t.path("rawSql").asText()));
        }
      }
    }
  }

  /** The plugin's $__timeFilter(column): column between the dashboard's from and to. */
  static String expand(String sql) {
    Matcher m = TIME_FILTER.matcher(sql);
    String out =
        m.replaceAll(
            r ->
                r.group(1)
                    + " >= toDateTime("
                    + FROM
                    + ") AND "
                    + r.group(1)
                    + " <= toDateTime("
                    + TO
                    + ")");
    assertThat(out).as("a macro the test does not expand").doesNotContain("$__");
    return out;
  }

  /** A few rows in every table the dashboards read, all inside the time range. */
  static List<String> seed() {
    String t = "toDateTime(" + FROM + " + 60 * number)";
    return List.of(
        "INSERT INTO qoe_minute (minute, asset_id, region, edge_id, device, sessions, play_ms,"
            + " stall_ms, rebuffer_ratio, startup_p50_ms, startup_p95_ms, failures,"
            + " exits_before_start, bitrate_switches, version, video_start_failures,"
            + " playback_failures) SELECT "
            + t
            + ", 'a1', if(number % 2 = 0, 'eu', 'us'), if(number % 2 = 0, 'edge-eu', 'edge-us'),"
            + " 'web', 10, 500000, 20000 + number, 0.04, 800, 2500, number % 3, 1, 4, 1,"
            + " number % 2, number % 3 - number % 2 FROM system.numbers LIMIT 30",
        "INSERT INTO qoe_sessions (session_id, viewer_id, asset_id, region, edge_id, device,"
            + " started_at, ended_at, startup_ms, play_ms, stall_ms, seek_ms, stall_count,"
            + " rebuffer_ratio, bitrate_switches, avg_bitrate_kbps, recoverable_errors, failed,"
            + " exit_before_start, end_reason, version, experience_score) SELECT"
            + " concat('s', toString(number)),"
            + " 'v1', 'a1', if(number % 2 = 0, 'eu', 'us'), 'edge-eu', 'web', "
            + t
            + ", "
            + t
            + ", toUInt32(300 + 10 * number), 60000, 1000, 0, 1, 0.016, 2, 3000, 0, 0, 0,"
            + " 'ended', 1, 70 + number FROM system.numbers LIMIT 30",
        "INSERT INTO qoe_stall_causes (session_id, asset_id, region, edge_id, kind,"
            + " started_at, start_ms, duration_ms, cause, rendition, segment_sequence,"
            + " cache_status, origin_latency_us, throughput_kbps, bitrate_kbps) SELECT"
            + " concat('s', toString(number)), 'a1', if(number % 2 = 0, 'eu', 'us'),"
            + " 'edge-eu', 'STALL', "
            + t
            + ", ("
            + FROM
            + " + 60 * number) * 1000, 1500 + number,"
            + " arrayElement(['EDGE_MISS', 'LAST_MILE', 'UNKNOWN'], number % 3 + 1), '720p',"
            + " toInt32(number), 'MISS', 2500000, 900, 2000 FROM system.numbers LIMIT 30",
        "INSERT INTO qoe_alerts (alert_id, minute, scope_type, scope, metric, value, threshold,"
            + " grade, message) SELECT concat('al', toString(number)), "
            + t
            + ", 'region', 'apac', 'rebuffer_ratio', 0.09, 0.05, 'C', 'rebuffer ratio 9%'"
            + " FROM system.numbers LIMIT 3",
        "INSERT INTO edge_requests (request_id, edge_id, region, method, path, asset_id,"
            + " rendition, segment_sequence, object_type, status, cache_status, bytes,"
            + " latency_us, session_id, request_time, request_time_ms) SELECT"
            + " concat('r', toString(number)), 'edge-eu', 'eu', 'GET', '/vod/a1/720p/seg.ts',"
            + " 'a1', '720p', toInt32(number), 'SEGMENT', 200,"
            + " arrayElement(['HIT', 'MISS', 'PREFETCH_HIT', 'STALE'], number % 4 + 1),"
            + " 500000, 900, 's1', "
            + t
            + ", ("
            + FROM
            + " + 60 * number) * 1000 FROM system.numbers LIMIT 40",
        "INSERT INTO cdn_directives (directive_id, kind, scope_type, scope, asset_id, renditions,"
            + " segment_from, segment_to, ttl_s, temperature, score, reason, issued_at,"
            + " valid_until) SELECT concat('d', toString(number)),"
            + " if(number % 2 = 0, 'PREFETCH', 'TTL'), 'REGION', 'eu', 'a1', ['720p'],"
            + " toInt32(0), toInt32(4), toInt64(3600), 'HOT', 3.5, 'turned hot', "
            + t
            + ", "
            + t
            + " FROM system.numbers LIMIT 10",
        "INSERT INTO popularity (region, asset_id, window_end, requests_per_hour, growth, score,"
            + " temperature, bytes_served, version) SELECT 'eu', concat('a', toString(number % 5)), "
            + t
            + ", 120, 1.5, 3.2 + number, 'HOT', 1000000, number FROM system.numbers LIMIT 20",
        "INSERT INTO renditions (rendered_id, asset_id, rendition, sequence, packaging, uri,"
            + " width, height, bitrate_kbps, duration_s, bytes, encoder, encode_ms, psnr, ssim,"
            + " rendered_at) SELECT concat('x', toString(number)), 'a1',"
            + " if(number % 2 = 0, '720p', '360p'), toUInt32(number), 'ts', 's3://b/k', 1280, 720,"
            + " 3000, 4.0, 1500000, 'libx264', 1200, 42.5, 0.98, "
            + t
            + " FROM system.numbers LIMIT 12",
        "INSERT INTO dead_letters (dead_letter_id, source_topic, source_partition, source_offset,"
            + " reason, field, detail, payload, payload_bytes, received_at) SELECT"
            + " concat('dl', toString(number)), 'segments.source', toInt32(0), toInt64(number),"
            + " 'UNDECODABLE_MEDIA', 'uri', 'no video stream', '{}', 2, "
            + t
            + " FROM system.numbers LIMIT 4");
  }

  @Test
  void everyPanelRunsAndReturnsRowsOnTheRealServer(ClickHouseServer clickHouse) throws Exception {
    clickHouse.query("CREATE DATABASE IF NOT EXISTS grafana_test");
    try (Connection c = ClickHouseJdbc.connect(clickHouse.jdbcUrl("grafana_test"));
        Statement s = c.createStatement()) {
      ClickHouseMigrator.bundled().migrate(c);
      for (String insert : seed()) {
        s.execute(insert);
      }
      assertThat(PANELS).hasSizeGreaterThanOrEqualTo(14);
      for (var panel : PANELS.entrySet()) {
        int rows = 0;
        try (ResultSet rs = s.executeQuery(panel.getValue())) {
          while (rs.next()) {
            rows++;
          }
        }
        assertThat(rows).as(panel.getKey()).isGreaterThan(0);
      }
    }
  }

  @Test
  void everyPanelRunsAndReturnsRowsOnTheCurrentEngine() throws Exception {
    List<String> statements = new ArrayList<>();
    for (Migration m : ClickHouseMigrator.bundled().migrations()) {
      statements.addAll(m.statements());
    }
    statements.addAll(seed());
    List<String> queries = new ArrayList<>(PANELS.values());
    String out = Chdb.run(statements, queries);
    ObjectMapper json = new ObjectMapper();
    Map<String, Integer> rowsBySql = new LinkedHashMap<>();
    for (String line : out.lines().filter(l -> l.startsWith("{")).toList()) {
      JsonNode r = json.readTree(line);
      rowsBySql.put(r.path("sql").asText(), r.path("result").size());
    }
    for (var panel : PANELS.entrySet()) {
      assertThat(rowsBySql.get(panel.getValue())).as(panel.getKey()).isNotNull().isGreaterThan(0);
    }
  }
}
