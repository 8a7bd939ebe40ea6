package dev.segmentflow.cli;

import dev.segmentflow.localservices.Infra;
import dev.segmentflow.schemas.clickhouse.ClickHouseJdbc;
import dev.segmentflow.schemas.clickhouse.ClickHouseMigrator;
import dev.segmentflow.schemas.kafka.TopicCreator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code segmentflow infra up|down|status}: the embedded default infrastructure. */
@Command(
    name = "infra",
    mixinStandardHelpOptions = true,
    description = {
      "Start, stop or show the local infrastructure: a Kafka broker, a ClickHouse server and an S3",
      "server, as processes under --dir. 'up' also creates the topics and the ClickHouse tables."
    })
final class InfraCommand implements Callable<Integer> {
  static final String DATABASE = "segmentflow";

  @Parameters(index = "0", description = "up, down or status")
  String action;

  @Option(
      names = "--dir",
      description = "where the services keep data and logs (default: ${DEFAULT-VALUE})")
  Path dir = Path.of(".segmentflow");

  @Override
  public Integer call() throws Exception {
    switch (action) {
      case "up" -> {
        Infra.State s = up(dir);
        s.describe().forEach(System.out::println);
        System.out.println("ClickHouse JDBC: " + s.clickHouseJdbcUrl(DATABASE));
      }
      case "down" -> {
        if (!Infra.down(dir, System.out)) {
          System.out.println("nothing running under " + dir);
        }
      }
      case "status" -> {
        var s = Infra.read(dir);
        if (s.isEmpty()) {
          System.out.println("not running (no state under " + dir + ")");
          return 3;
        }
        s.get().describe().forEach(System.out::println);
        return s.get().allAlive() ? 0 : 3;
      }
      default ->
          throw new IllegalArgumentException(
              "unknown action '" + action + "': use up, down or status");
    }
    return 0;
  }

  /** Services, topics, database and tables: everything the jobs expect to find. */
  static Infra.State up(Path dir) throws Exception {
    Infra.State s = Infra.up(dir, System.out);
    List<String> created = TopicCreator.ensureAll(s.kafkaBootstrap());
    System.out.println("topics: " + (created.isEmpty() ? "all present" : "created " + created));
    try (Connection c = ClickHouseJdbc.connect(s.clickHouseJdbcUrl("default"));
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE IF NOT EXISTS " + DATABASE);
    }
    try (Connection c = ClickHouseJdbc.connect(s.clickHouseJdbcUrl(DATABASE))) {
      ClickHouseMigrator.Report r = ClickHouseMigrator.bundled().migrate(c);
      System.out.printf(
          "clickhouse %s: %d migrations applied, %d up to date, %d skipped %s%n",
          r.server(), r.applied().size(), r.upToDate().size(), r.skipped().size(), r.skipped());
    }
    return s;
  }
}
