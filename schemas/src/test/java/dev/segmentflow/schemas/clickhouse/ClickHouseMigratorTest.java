package dev.segmentflow.schemas.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.testkit.RealServices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
class ClickHouseMigratorTest {
  static final List<String> TABLES =
      List.of(
          "viewer_events",
          "dead_letters",
          "edge_requests",
          "renditions",
          "popularity",
          "cdn_directives",
          "qoe_sessions",
          "qoe_minute",
          "qoe_alerts",
          "qoe_stall_causes",
          "recommendation_lists",
          "asset_catalogue");

  @Test
  void theIndexListsEveryDdlFileInVersionOrder() throws IOException {
    List<String> files;
    try (Stream<Path> s = Files.list(Path.of("clickhouse"))) {
      files =
          s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList();
    }
    List<String> indexed =
        Files.readAllLines(Path.of("clickhouse/migrations.index")).stream()
            .filter(l -> !l.isBlank())
            .toList();
    assertThat(indexed).containsExactlyElementsOf(files);
    List<Integer> versions =
        ClickHouseMigrator.bundled().migrations().stream().map(Migration::version).toList();
    assertThat(versions).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void migratesOnceAndSkipsWhatTheServerCannotDo(ClickHouseServer clickHouse) throws Exception {
    clickHouse.query("CREATE DATABASE IF NOT EXISTS migrate_test");
    ClickHouseMigrator migrator = ClickHouseMigrator.bundled();
    try (Connection c = ClickHouseJdbc.connect(clickHouse.jdbcUrl("migrate_test"))) {
      ClickHouseMigrator.Report first = migrator.migrate(c);
      assertThat(first.server().major()).isEqualTo(18);
      assertThat(first.applied())
          .hasSize(18)
          .allMatch(l -> !l.contains("low_cardinality") && !l.contains("ttl"));
      assertThat(first.skipped()).hasSize(2);
      assertThat(first.upToDate()).isEmpty();

      ClickHouseMigrator.Report second = migrator.migrate(c);
      assertThat(second.applied()).isEmpty();
      assertThat(second.upToDate()).hasSize(18);
      assertThat(second.skipped()).hasSize(2);
    }
    String tables =
        clickHouse.query("SELECT name FROM system.tables WHERE database = 'migrate_test'");
    assertThat(tables.lines())
        .containsAll(TABLES)
        .contains(ClickHouseMigrator.HISTORY_TABLE)
        .doesNotContain("recommendations"); // replaced by recommendation_lists in V0012
    assertThat(clickHouse.query("SELECT count() FROM migrate_test.schema_migrations").trim())
        .isEqualTo("18");
    // V0013 and V0014 altered tables in place: their columns are there, typed, on 18.16
    assertThat(
            clickHouse.query(
                "SELECT name, type FROM system.columns WHERE database = 'migrate_test'"
                    + " AND table = 'qoe_sessions' AND name IN ('experience_score',"
                    + " 'bitrates_kbps') ORDER BY name"))
        .isEqualTo("bitrates_kbps\tArray(UInt32)\nexperience_score\tNullable(Float64)\n");
    assertThat(
            clickHouse.query(
                "SELECT type FROM system.columns WHERE database = 'migrate_test'"
                    + " AND table = 'edge_requests' AND name = 'origin_latency_us'"))
        .isEqualTo("Nullable(UInt64)\n");
  }

  @Test
  void aChangedMigrationIsRefused(ClickHouseServer clickHouse) throws Exception {
    clickHouse.query("CREATE DATABASE IF NOT EXISTS changed_test");
    Migration original =
        Migration.parse("V0001__t.sql", "CREATE TABLE t (x UInt8) ENGINE = Memory;");
    Migration edited =
        Migration.parse("V0001__t.sql", "CREATE TABLE t (x UInt16) ENGINE = Memory;");
    try (Connection c = ClickHouseJdbc.connect(clickHouse.jdbcUrl("changed_test"))) {
      new ClickHouseMigrator(List.of(original)).migrate(c);
      assertThatThrownBy(() -> new ClickHouseMigrator(List.of(edited)).migrate(c))
          .hasMessageContaining("changed after it was applied");
    }
  }

  @Test
  void parsesRequirementsAndSplitsStatements() {
    Migration m =
        Migration.parse(
            "V0042__two.sql",
            "-- requires: ttl, low_cardinality\n-- a comment; with a semicolon\nSELECT 1;\nSELECT\n  2;\n");
    assertThat(m.version()).isEqualTo(42);
    assertThat(m.requires())
        .containsExactlyInAnyOrder(
            ServerVersion.Feature.TTL, ServerVersion.Feature.LOW_CARDINALITY);
    assertThat(m.statements()).containsExactly("SELECT 1", "SELECT\n  2");
    assertThat(m.appliesTo(ServerVersion.parse("18.16.1"))).isFalse();
    assertThat(m.appliesTo(ServerVersion.parse("19.6.1"))).isTrue();
    assertThat(ServerVersion.parse("19.5.3").supports(ServerVersion.Feature.TTL)).isFalse();
    assertThatThrownBy(() -> Migration.parse("create.sql", ""))
        .hasMessageContaining("V<n>__<name>.sql");
  }

  /** Every shipped statement, version-dependent parts included, also runs on the current engine. */
  @Test
  void theSameDdlRunsOnTheCurrentClickHouseEngine() throws Exception {
    List<String> statements = new ArrayList<>();
    for (Migration m : ClickHouseMigrator.bundled().migrations()) {
      statements.addAll(m.statements());
    }
    List<String> queries = new ArrayList<>();
    queries.add("SELECT version()");
    queries.add("SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name");
    queries.add(
        "SELECT type FROM system.columns WHERE table = 'viewer_events' AND name = 'region'");
    queries.add("SELECT engine_full FROM system.tables WHERE name = 'viewer_events'");
    String out = Chdb.run(statements, queries);
    assertThat(out).contains("\"26.");
    for (String t : TABLES) {
      assertThat(out).contains("\"" + t + "\"");
    }
    assertThat(out).contains("LowCardinality(String)");
    assertThat(out).contains("TTL event_time + toIntervalDay(90)");
  }
}
