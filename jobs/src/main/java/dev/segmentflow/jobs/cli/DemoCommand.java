package dev.segmentflow.jobs.cli;

import dev.segmentflow.analytics.sink.ClickHouseSinks;
import dev.segmentflow.jobs.EventIntakeJob;
import dev.segmentflow.jobs.demo.SampleViewerEvents;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.clickhouse.ClickHouseJdbc;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.flink.KafkaEndpoints;
import dev.segmentflow.testkit.Infra;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code segmentflow demo}: the pipeline so far, on the embedded default, start to finish. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts the local infrastructure, produces sample player sessions (with some malformed",
      "events) into viewer.events, runs the validating intake job on a local Flink, and prints",
      "what landed in ClickHouse and in the dead-letter topic."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--dir", description = "infrastructure folder (default: ${DEFAULT-VALUE})")
  Path dir = Path.of(".segmentflow");

  @Option(
      names = "--sessions",
      description = "player sessions to simulate (default: ${DEFAULT-VALUE})")
  int sessions = 2000;

  @Option(names = "--seed", description = "random seed of the sample (default: the clock)")
  Long seed;

  @Option(names = "--keep-running", description = "leave the infrastructure up for exploring")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    System.out.println("[1/5] infrastructure");
    Infra.State infra = InfraCommand.up(dir);
    String jdbcUrl = infra.clickHouseJdbcUrl(InfraCommand.DATABASE);
    try {
      long runSeed = seed != null ? seed : System.currentTimeMillis();
      List<SampleViewerEvents.Line> lines =
          SampleViewerEvents.generate(runSeed, sessions, System.currentTimeMillis() - 600_000);
      long bad = lines.stream().filter(l -> l.expected() != null).count();
      System.out.printf(
          "[2/5] producing %d events of %d sessions to %s (%d malformed on purpose)%n",
          lines.size(), sessions, Topics.VIEWER_EVENTS, bad);
      produce(infra.kafkaBootstrap(), lines);

      System.out.println(
          "[3/5] running EventIntakeJob on a local Flink (validate -> ClickHouse, DLQ)");
      long jobStart = System.nanoTime();
      StreamExecutionEnvironment env =
          StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration());
      env.enableCheckpointing(1000);
      EventIntakeJob.build(
          env,
          KafkaEndpoints.rawSource(
              infra.kafkaBootstrap(), Topics.VIEWER_EVENTS, "demo-intake", true),
          ClickHouseSinks.viewerEvents(jdbcUrl),
          KafkaEndpoints.jsonSink(
              infra.kafkaBootstrap(),
              Topics.EVENTS_DLQ,
              DeadLetter::sourceTopic,
              "demo-intake-dlq"),
          ClickHouseSinks.deadLetters(jdbcUrl));
      env.execute("event-intake-demo");
      System.out.printf("      job finished in %.1f s%n", (System.nanoTime() - jobStart) / 1e9);

      System.out.println("[4/5] results in ClickHouse (" + jdbcUrl + ")");
      summarize(jdbcUrl, lines);

      System.out.println(
          "[5/5] SQL to try over HTTP at http://127.0.0.1:" + infra.clickHouseHttpPort() + "/ :");
      System.out.println(
          "  SELECT region, countIf(event_type = 'stall_start') AS stalls, uniq(session_id) AS sessions");
      System.out.println(
          "    FROM segmentflow.viewer_events FINAL GROUP BY region ORDER BY stalls DESC;");
      System.out.println(
          "  SELECT reason, count() FROM segmentflow.dead_letters FINAL GROUP BY reason;");
      System.out.printf("done in %.1f s%n", (System.nanoTime() - started) / 1e9);
    } finally {
      if (keepRunning) {
        System.out.println("infrastructure left running; stop it with: bin/segmentflow infra down");
      } else {
        Infra.down(dir, System.out);
      }
    }
    return 0;
  }

  static void produce(String brokers, List<SampleViewerEvents.Line> lines) {
    Properties p = new Properties();
    p.put("bootstrap.servers", brokers);
    p.put("linger.ms", "20");
    p.put("acks", "all");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      int i = 0;
      for (SampleViewerEvents.Line l : lines) {
        producer.send(
            new ProducerRecord<>(
                Topics.VIEWER_EVENTS,
                l.key().getBytes(StandardCharsets.UTF_8),
                l.json().getBytes(StandardCharsets.UTF_8)));
        if (++i % 5000 == 0) {
          System.out.printf("      %d/%d sent%n", i, lines.size());
        }
      }
      producer.flush();
    }
  }

  static void summarize(String jdbcUrl, List<SampleViewerEvents.Line> lines) throws Exception {
    Map<String, Long> expectedBad = new TreeMap<>();
    lines.stream()
        .filter(l -> l.expected() != null)
        .forEach(l -> expectedBad.merge(l.expected().name(), 1L, Long::sum));
    try (Connection c = ClickHouseJdbc.connect(jdbcUrl);
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery(
              "SELECT region, uniqExact(session_id), count(), countIf(event_type = 'stall_start'),"
                  + " countIf(event_type = 'error') FROM viewer_events FINAL GROUP BY region ORDER BY region")) {
        System.out.printf(
            "      %-10s %9s %9s %7s %7s%n", "region", "sessions", "events", "stalls", "errors");
        while (rs.next()) {
          System.out.printf(
              "      %-10s %9d %9d %7d %7d%n",
              rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT count() FROM viewer_events FINAL")) {
        rs.next();
        long sentValid =
            lines.size() - expectedBad.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(
            "      valid rows in viewer_events: %d (valid events sent this run: %d)%n",
            rs.getLong(1), sentValid);
      }
      System.out.println("      dead letters by reason (table / sent malformed this run):");
      Map<String, Long> table = new TreeMap<>();
      try (ResultSet rs =
          st.executeQuery("SELECT reason, count() FROM dead_letters FINAL GROUP BY reason")) {
        while (rs.next()) {
          table.put(rs.getString(1), rs.getLong(2));
        }
      }
      TreeSet<String> reasons = new TreeSet<>(table.keySet());
      reasons.addAll(expectedBad.keySet());
      for (String reason : reasons) {
        System.out.printf(
            "      %-24s %6d / %d%n",
            reason, table.getOrDefault(reason, 0L), expectedBad.getOrDefault(reason, 0L));
      }
    }
  }
}
