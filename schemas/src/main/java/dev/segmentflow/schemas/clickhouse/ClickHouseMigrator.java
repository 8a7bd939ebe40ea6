package dev.segmentflow.schemas.clickhouse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies the DDL under {@code schemas/clickhouse/} in version order and records each applied
 * migration in {@code schema_migrations}. Running it again applies only what is new. Migrations
 * that need a feature the server lacks are skipped and not recorded, so they apply after an
 * upgrade.
 */
public final class ClickHouseMigrator {
  public static final String HISTORY_TABLE = "schema_migrations";
  private static final String INDEX = "/clickhouse/migrations.index";

  /** What one run did. */
  public record Report(
      ServerVersion server, List<String> applied, List<String> skipped, List<String> upToDate) {}

  private final List<Migration> migrations;

  public ClickHouseMigrator(List<Migration> migrations) {
    this.migrations =
        migrations.stream().sorted((a, b) -> Integer.compare(a.version(), b.version())).toList();
  }

  /** The migrations shipped in this jar, in the order the index lists them. */
  public static ClickHouseMigrator bundled() {
    List<Migration> out = new ArrayList<>();
    for (String file : read(INDEX).split("\n")) {
      if (!file.isBlank()) {
        out.add(Migration.parse(file.trim(), read("/clickhouse/" + file.trim())));
      }
    }
    return new ClickHouseMigrator(out);
  }

  public List<Migration> migrations() {
    return migrations;
  }

  public Report migrate(Connection connection) throws SQLException {
    ServerVersion server;
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT version()")) {
      rs.next();
      server = ServerVersion.parse(rs.getString(1));
    }
    try (Statement st = connection.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + HISTORY_TABLE
              + " (version UInt32, name String, checksum String, applied_at DateTime)"
              + " ENGINE = MergeTree() ORDER BY version");
    }
    Map<Integer, String> done = new HashMap<>();
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT version, checksum FROM " + HISTORY_TABLE)) {
      while (rs.next()) {
        done.put(rs.getInt(1), rs.getString(2));
      }
    }
    List<String> applied = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<String> upToDate = new ArrayList<>();
    for (Migration m : migrations) {
      String label = m.version() + "__" + m.name();
      if (done.containsKey(m.version())) {
        if (!done.get(m.version()).equals(m.checksum())) {
          throw new IllegalStateException(
              "migration " + label + " was changed after it was applied; add a new one instead");
        }
        upToDate.add(label);
        continue;
      }
      if (!m.appliesTo(server)) {
        skipped.add(label + " (needs " + m.requires() + ", server " + server + ")");
        continue;
      }
      try (Statement st = connection.createStatement()) {
        for (String sql : m.statements()) {
          st.execute(sql);
        }
      }
      try (PreparedStatement ps =
          connection.prepareStatement(
              "INSERT INTO "
                  + HISTORY_TABLE
                  + " (version, name, checksum, applied_at) VALUES (?, ?, ?, now())")) {
        ps.setInt(1, m.version());
        ps.setString(2, m.name());
        ps.setString(3, m.checksum());
        ps.executeUpdate();
      }
      applied.add(label);
    }
    return new Report(server, applied, skipped, upToDate);
  }

  private static String read(String resource) {
    try (InputStream in = ClickHouseMigrator.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
