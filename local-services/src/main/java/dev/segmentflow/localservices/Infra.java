package dev.segmentflow.localservices;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The demo's infrastructure outside any test: Kafka, ClickHouse and S3 started as processes that
 * outlive the command that started them, found again through a state file in their folder.
 */
public final class Infra {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Where everything runs; written by {@code up}, read by {@code status} and {@code down}. */
  public record State(
      String dir,
      String kafkaBootstrap,
      long kafkaPid,
      int clickHouseHttpPort,
      long clickHousePid,
      String s3Endpoint,
      String s3Bucket,
      long s3Pid) {
    public String clickHouseJdbcUrl(String database) {
      return ClickHouseServer.jdbcUrl(clickHouseHttpPort, database);
    }

    public List<String> describe() {
      return List.of(
          line("kafka", kafkaPid, "bootstrap " + kafkaBootstrap),
          line("clickhouse", clickHousePid, "http://127.0.0.1:" + clickHouseHttpPort),
          line("s3", s3Pid, s3Endpoint + " bucket " + s3Bucket));
    }

    public boolean allAlive() {
      return alive(kafkaPid) && alive(clickHousePid) && alive(s3Pid);
    }

    private static String line(String name, long pid, String where) {
      return String.format(
          "%-11s %-8s pid %-8d %s", name, alive(pid) ? "running" : "DOWN", pid, where);
    }
  }

  private Infra() {}

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  static Path stateFile(Path dir) {
    return dir.resolve("infra.json");
  }

  public static Optional<State> read(Path dir) {
    Path f = stateFile(dir);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(MAPPER.readValue(f.toFile(), State.class));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable " + f, e);
    }
  }

  /** Starts what is not running yet; returns the state. Prints each stage as it goes. */
  public static State up(Path dir, java.io.PrintStream log) {
    Optional<State> existing = read(dir);
    if (existing.isPresent() && existing.get().allAlive()) {
      log.println("infra already running (" + stateFile(dir) + ")");
      return existing.get();
    }
    existing.ifPresent(s -> down(dir, log));
    List<Service> started = new ArrayList<>();
    try {
      log.println("[infra 1/3] starting Kafka (KRaft, single node) ...");
      KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"));
      started.add(kafka);
      log.println("[infra 2/3] starting ClickHouse ...");
      ClickHouseServer clickHouse = ClickHouseServer.start(dir.resolve("clickhouse"));
      started.add(clickHouse);
      log.println("[infra 3/3] starting S3 (s3proxy) ...");
      S3Server s3 = S3Server.start(dir.resolve("s3"), S3Server.DEFAULT_BUCKET);
      started.add(s3);
      State state =
          new State(
              dir.toAbsolutePath().toString(),
              kafka.bootstrapServers(),
              kafka.process().pid(),
              clickHouse.httpPort(),
              clickHouse.process().pid(),
              s3.endpoint(),
              s3.bucket(),
              s3.process().pid());
      Files.createDirectories(dir);
      MAPPER.writerWithDefaultPrettyPrinter().writeValue(stateFile(dir).toFile(), state);
      return state;
    } catch (IOException e) {
      started.forEach(Service::close);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      started.forEach(Service::close);
      throw e;
    }
  }

  /** Stops whatever the state file names; returns whether there was anything to stop. */
  public static boolean down(Path dir, java.io.PrintStream log) {
    Optional<State> state = read(dir);
    if (state.isEmpty()) {
      return false;
    }
    State s = state.get();
    for (long pid : new long[] {s.s3Pid(), s.clickHousePid(), s.kafkaPid()}) {
      ProcessHandle.of(pid).ifPresent(h -> ChildProcess.stop(h, Duration.ofSeconds(20)));
    }
    try {
      Files.deleteIfExists(stateFile(dir));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    log.println("infra stopped");
    return true;
  }
}
