package dev.segmentflow.schemas.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import dev.segmentflow.schemas.validation.ReasonCode;
import dev.segmentflow.testkit.FlinkMiniCluster;
import dev.segmentflow.testkit.RealServices;
import java.io.IOException;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Rows written as RowBinary by a real job read back from a real server column by column. */
@ExtendWith(RealServices.class)
class RowBinarySinkTest {
  static final long T = 1_767_225_600_123L; // 2026-01-01T00:00:00.123Z

  @Test
  void everyColumnOfTheIntakeTablesReadsBackAsWritten(
      ClickHouseServer clickHouse, FlinkMiniCluster flink) throws Exception {
    String url = database(clickHouse, "rowbinary_test");
    StreamExecutionEnvironment env = flink.environment(1);
    env.fromData(
            new ViewerEvent(
                ViewerEvent.VERSION,
                "e1",
                ViewerEventType.STALL_START,
                "s1",
                "v1",
                "a1",
                "eu",
                "edge-eu-1",
                "web",
                T,
                12.5,
                3000L,
                800L,
                12000L,
                true,
                false,
                null,
                null,
                1280,
                720,
                854,
                480),
            new ViewerEvent(
                ViewerEvent.VERSION,
                "e2",
                ViewerEventType.PLAY_REQUEST,
                "s\u00e9\u4e16",
                "v2",
                "a2",
                "us",
                null,
                null,
                T + 1000,
                null,
                null,
                null,
                null,
                null,
                null,
                false,
                "E_NET",
                null,
                null,
                null,
                null))
        .sinkTo(IntakeTables.viewerEvents(url));
    env.fromData(
            new EdgeRequest(
                EdgeRequest.VERSION,
                "r1",
                "edge-eu-1",
                "eu",
                "GET",
                "/a1/720p/7.m4s",
                "a1",
                "720p",
                7,
                EdgeRequest.ObjectType.SEGMENT,
                206,
                EdgeRequest.CacheStatus.MISS,
                5_000_000_000L,
                1500L,
                1200L,
                "s1",
                T),
            new EdgeRequest(
                EdgeRequest.VERSION,
                "r2",
                "edge-eu-1",
                "eu",
                "GET",
                "/favicon.ico",
                null,
                null,
                null,
                EdgeRequest.ObjectType.OTHER,
                404,
                EdgeRequest.CacheStatus.BYPASS,
                0L,
                20L,
                null,
                null,
                T))
        .sinkTo(IntakeTables.edgeRequests(url));
    env.fromData(
            new DeadLetter(
                DeadLetter.VERSION,
                "d1",
                "viewer.events",
                3,
                42L,
                ReasonCode.MISSING_FIELD,
                "sessionId",
                "required",
                "{\"x\":\"\\t\"}",
                10,
                T),
            new DeadLetter(
                DeadLetter.VERSION,
                "d2",
                "edge.requests",
                null,
                null,
                ReasonCode.MALFORMED_JSON,
                null,
                "no JSON value",
                "",
                0,
                T))
        .sinkTo(IntakeTables.deadLetters(url));
    env.execute("rowbinary");

    assertThat(
            clickHouse.query(
                "SELECT event_id, event_type, session_id, edge_id, device,"
                    + " toUnixTimestamp(event_time), event_time_ms, position_s, bitrate_kbps,"
                    + " buffer_length_ms, throughput_kbps, buffer_starvation, startup, fatal,"
                    + " error_code, player_width, player_height, video_width, video_height"
                    + " FROM rowbinary_test.viewer_events ORDER BY event_id"))
        .isEqualTo(
            "e1\tstall_start\ts1\tedge-eu-1\tweb\t1767225600\t1767225600123\t12.5\t3000\t800"
                + "\t12000\t1\t0\t\\N\t\t1280\t720\t854\t480\n"
                + "e2\tplay_request\ts\u00e9\u4e16\t\t\t1767225601\t1767225601123\t\\N\t\\N\t\\N"
                + "\t\\N\t\\N\t\\N\t0\tE_NET\t\\N\t\\N\t\\N\t\\N\n");
    assertThat(
            clickHouse.query(
                "SELECT request_id, asset_id, rendition, segment_sequence, object_type, status,"
                    + " cache_status, bytes, latency_us, origin_latency_us, session_id,"
                    + " toUnixTimestamp(request_time), request_time_ms"
                    + " FROM rowbinary_test.edge_requests ORDER BY request_id"))
        .isEqualTo(
            "r1\ta1\t720p\t7\tSEGMENT\t206\tMISS\t5000000000\t1500\t1200\ts1\t1767225600"
                + "\t1767225600123\n"
                + "r2\t\t\t\\N\tOTHER\t404\tBYPASS\t0\t20\t\\N\t\t1767225600\t1767225600123\n");
    assertThat(
            clickHouse.query(
                "SELECT dead_letter_id, source_partition, source_offset, reason, field, payload,"
                    + " payload_bytes, toUnixTimestamp(received_at)"
                    + " FROM rowbinary_test.dead_letters ORDER BY dead_letter_id"))
        .isEqualTo(
            "d1\t3\t42\tMISSING_FIELD\tsessionId\t{\"x\":\"\\\\t\"}\t10\t1767225600\n"
                + "d2\t\\N\t\\N\tMALFORMED_JSON\t\t\t0\t1767225600\n");
  }

  @Test
  void manyRowsGoOutInBatchesAndAllArrive(ClickHouseServer clickHouse, FlinkMiniCluster flink)
      throws Exception {
    String url = database(clickHouse, "rowbinary_batches");
    List<EdgeRequest> requests = new ArrayList<>();
    for (int i = 0; i < 25_000; i++) {
      requests.add(
          new EdgeRequest(
              EdgeRequest.VERSION,
              "r" + i,
              "edge-eu-1",
              "eu",
              "GET",
              "/a/720p/" + i + ".m4s",
              "a",
              "720p",
              i,
              EdgeRequest.ObjectType.SEGMENT,
              200,
              EdgeRequest.CacheStatus.MISS,
              i,
              10L,
              null,
              "s",
              T + i));
    }
    StreamExecutionEnvironment env = flink.environment(2);
    env.fromData(requests)
        .sinkTo(
            new RowBinarySink<>(
                ClickHouseHttp.fromJdbcUrl(url), IntakeTables.EDGE_REQUESTS, 1_000, 1 << 20, 200));
    env.execute("rowbinary-batches");
    assertThat(
            clickHouse.query(
                "SELECT count(), uniqExact(request_id), sum(bytes)"
                    + " FROM rowbinary_batches.edge_requests"))
        .isEqualTo("25000\t25000\t312487500\n");
  }

  @Test
  void anInsertRefusedOnTheInsertThreadFailsTheJob(
      ClickHouseServer clickHouse, FlinkMiniCluster flink) throws Exception {
    // The database exists, the table does not: every insert is refused by the server.
    String url = database(clickHouse, "rowbinary_refused");
    StreamExecutionEnvironment env = flink.environment(1);
    env.fromData(List.of("a", "b", "c"))
        .sinkTo(
            new RowBinarySink<>(
                ClickHouseHttp.fromJdbcUrl(url),
                new RowBinaryTable<String>(
                    "no_such_table", List.of("x"), (s, row) -> row.string(s)),
                2,
                1 << 20,
                200));
    assertThatThrownBy(() -> env.execute("rowbinary-refused"))
        .rootCause()
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no_such_table");
  }

  @Test
  void aRefusedInsertFailsWithTheServersMessage(ClickHouseServer clickHouse) {
    ClickHouseHttp http = ClickHouseHttp.fromJdbcUrl(clickHouse.jdbcUrl("no_such_database"));
    byte[] row = new RowBinaryBuffer(16).string("x").array();
    assertThatThrownBy(() -> http.insert("INSERT INTO t (a) FORMAT RowBinary", row, 2))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining("no_such_database");
  }

  @Test
  void takesDatabaseUserPasswordAndTlsFromTheJdbcUrl() {
    assertThat(
            ClickHouseHttp.fromJdbcUrl(
                    "jdbc:clickhouse://ch.svc:8443/sf?user=app&password=p%40ss&ssl=true&compress=0")
                .base())
        .isEqualTo("https://ch.svc:8443/?database=sf&user=app&password=p%40ss&");
    assertThat(ClickHouseHttp.fromJdbcUrl("jdbc:clickhouse://h/db").base())
        .isEqualTo("http://h:8123/?database=db&");
    assertThatThrownBy(() -> ClickHouseHttp.fromJdbcUrl("jdbc:mysql://h/db"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String database(ClickHouseServer clickHouse, String name) throws Exception {
    clickHouse.query("DROP DATABASE IF EXISTS " + name);
    clickHouse.query("CREATE DATABASE " + name);
    String url = clickHouse.jdbcUrl(name);
    try (Connection c = ClickHouseJdbc.connect(url)) {
      ClickHouseMigrator.bundled().migrate(c);
    }
    return url;
  }
}
