package dev.segmentflow.schemas.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.testkit.RealServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The notebooks run headless with Debian's jupyter-nbconvert and python3 (installed by bin/setup)
 * against the test ClickHouse, seeded with the dashboards' rows: every cell runs without an error,
 * the figures are drawn, and the figures they print agree with the seeded data.
 */
@ExtendWith(RealServices.class)
class NotebooksTest {
  static final String DB = "notebooks_test";

  @BeforeAll
  static void seed(ClickHouseServer clickHouse) throws Exception {
    clickHouse.query("CREATE DATABASE IF NOT EXISTS " + DB);
    try (Connection c = ClickHouseJdbc.connect(clickHouse.jdbcUrl(DB));
        Statement s = c.createStatement()) {
      ClickHouseMigrator.bundled().migrate(c);
      for (String insert : GrafanaDashboardsTest.seed()) {
        s.execute(insert);
      }
    }
  }

  @Test
  void qoeDeepDive(ClickHouseServer clickHouse) throws Exception {
    String text = execute("qoe-deep-dive", clickHouse, 3);
    // 30 minutes of 500 s play; stall 20 s + n ms in minute n.
    double stall = 30 * 20_000 + 29 * 30 / 2.0;
    double ratio = stall / (30 * 500_000 + stall);
    // Stall n lasts 1500 + n ms, in eu for even n, caused EDGE_MISS / LAST_MILE / UNKNOWN by n % 3.
    double euStall = IntStream.range(0, 30).filter(n -> n % 2 == 0).map(n -> 1500 + n).sum();
    double euEdgeMiss =
        IntStream.range(0, 30).filter(n -> n % 2 == 0 && n % 3 == 0).map(n -> 1500 + n).sum();
    // Session n scores 70 + n: eu has the even ones.
    double euScore =
        IntStream.range(0, 30).filter(n -> n % 2 == 0).map(n -> 70 + n).average().orElseThrow();
    assertThat(text)
        .contains(String.format(Locale.ROOT, "overall rebuffer ratio: %.4f", ratio))
        .contains("eu: 15 sessions started")
        .contains("region apac: rebuffer_ratio graded C in 3 minutes")
        .contains(
            String.format(
                Locale.ROOT, "eu EDGE_MISS: 5 stalls, %.3f of stall time", euEdgeMiss / euStall))
        .contains(
            String.format(Locale.ROOT, "eu: mean experience score %.1f over 15 sessions", euScore));
  }

  @Test
  void cacheEfficiency(ClickHouseServer clickHouse) throws Exception {
    String text = execute("cache-efficiency", clickHouse, 2);
    // Statuses cycle HIT, MISS, PREFETCH_HIT, STALE over equal-sized segments.
    assertThat(text)
        .contains("byte hit ratio: 0.7500")
        .contains("PREFETCH: 5 directives")
        .contains("TTL: 5 directives");
  }

  /** Runs the notebook and returns everything its cells printed. */
  static String execute(String name, ClickHouseServer clickHouse, int figures) throws Exception {
    Path out = Files.createTempDirectory("nb");
    ProcessBuilder pb =
        new ProcessBuilder(
                "/usr/bin/jupyter-nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--ExecutePreprocessor.timeout=120",
                "--output-dir",
                out.toString(),
                Path.of("../notebooks", name + ".ipynb").toString())
            .redirectErrorStream(true);
    // Debian's python3 with its matplotlib, whatever else is first on the PATH.
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().put("CLICKHOUSE_URL", clickHouse.httpUrl());
    pb.environment().put("CLICKHOUSE_DATABASE", DB);
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(log).isZero();

    JsonNode nb = new ObjectMapper().readTree(out.resolve(name + ".ipynb").toFile());
    StringBuilder text = new StringBuilder();
    int images = 0;
    for (JsonNode cell : nb.path("cells")) {
      for (JsonNode o : cell.path("outputs")) {
        assertThat(o.path("output_type").asText()).as(o.toString()).isNotEqualTo("error");
        for (JsonNode line : o.path("text")) {
          text.append(line.asText());
        }
        if (o.path("data").has("image/png")) {
          images++;
        }
      }
    }
    assertThat(images).as("figures drawn").isEqualTo(figures);
    assertThat(List.of(text.toString().split("\n"))).isNotEmpty();
    return text.toString();
  }
}
