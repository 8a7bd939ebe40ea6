package dev.segmentflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's demo, shortened: every stage runs for real (shaded jars on the session cluster,
 * edges, simulated players), and what the players did must reconcile with what the QoE job wrote:
 * one QoE session per simulated session, per region.
 */
class DemoIT {
  @Test
  void demoRunsEveryStageAndItsFiguresReconcile(@TempDir Path dir) {
    String out =
        CliRun.ok(
            "demo", "--dir", dir.toString(), "--duration", "45", "--viewers", "9", "--seed", "5");
    // every segment the ingest step made is rendered: vtest's 79.5 s in 13 (re-encoded at 6 s, the
    // remainder joining the last), the synthetic titles' 36, 30 and 24 s in 6, 5 and 4
    assertThat(out)
        .contains("vtest      13 segments,  79.5 s")
        .contains("[8/8]")
        .contains("28/28 segments rendered")
        .contains("infra stopped");

    Map<String, Long> simulated = rows(out, "region sessions", "^\\s{6}(eu|us|apac)\\s+(\\d+)\\s+");
    Map<String, Long> qoe = rows(out, "QoE by region", "^\\s{8}(eu|us|apac)\\s+(\\d+)\\s+");
    assertThat(simulated.keySet()).containsExactlyInAnyOrder("eu", "us", "apac");
    assertThat(qoe).as("one QoE session per simulated session").isEqualTo(simulated);

    Matcher errors =
        Pattern.compile(
                "^\\s{6}(eu|us|apac)\\s+\\d+\\s+\\d+\\s+\\S+\\s+\\S+%\\s+\\d+ ms\\s+(\\d+)$",
                Pattern.MULTILINE)
            .matcher(out);
    int regions = 0;
    while (errors.find()) {
      assertThat(errors.group(2)).as("failed sessions in " + errors.group(1)).isEqualTo("0");
      regions++;
    }
    assertThat(regions).isEqualTo(3);
    Matcher edges =
        Pattern.compile("^\\s{8}edge-(eu|us|apac)-1\\s+(\\d+)\\s+([0-9.]+)", Pattern.MULTILINE)
            .matcher(section(out, "edge cache (edge_requests)"));
    int seen = 0;
    while (edges.find()) {
      assertThat(Long.parseLong(edges.group(2))).as("requests logged").isPositive();
      seen++;
    }
    assertThat(seen).as("every edge's access log reached ClickHouse").isEqualTo(3);
    assertThat(section(out, "CDN directives issued")).as("directives").doesNotContain("(none)");
    assertThat(section(out, "top titles per region")).doesNotContain("(none)");
  }

  /** The rows of the table after {@code header}, as first column -> second column. */
  static Map<String, Long> rows(String out, String header, String row) {
    String rest = out.substring(out.indexOf(header));
    Map<String, Long> m = new TreeMap<>();
    Matcher r = Pattern.compile(row, Pattern.MULTILINE).matcher(rest);
    while (r.find() && m.size() < 3) {
      m.putIfAbsent(r.group(1), Long.parseLong(r.group(2)));
    }
    return m;
  }

  static String section(String out, String title) {
    int i = out.indexOf(title);
    assertThat(i).as(title).isNotNegative();
    String rest = out.substring(i);
    Matcher end = Pattern.compile("\n {6}\\S").matcher(rest);
    return end.find() ? rest.substring(0, end.start()) : rest;
  }
}
