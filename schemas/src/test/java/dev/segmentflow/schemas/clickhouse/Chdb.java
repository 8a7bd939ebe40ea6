package dev.segmentflow.schemas.clickhouse;

import dev.segmentflow.schemas.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs SQL on the current ClickHouse engine through npm's chdb (installed by bin/setup). */
final class Chdb {
  static final Path DIR = Path.of("src/test/chdb");

  private Chdb() {}

  static String run(List<String> statements, List<String> queries) throws Exception {
    if (!Files.isDirectory(DIR.resolve("node_modules/chdb"))) {
      throw new IllegalStateException(
          "chdb is not installed: run bin/setup (npm install in " + DIR + ")");
    }
    Path work = Files.createTempDirectory("chdb");
    Path input = work.resolve("input.json");
    Files.write(input, Json.bytes(Map.of("statements", statements, "queries", queries)));
    Process p =
        new ProcessBuilder(
                "node",
                DIR.resolve("run-sql.js").toString(),
                input.toString(),
                work.resolve("db").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("chdb run failed:\n" + out);
    }
    return out;
  }
}
