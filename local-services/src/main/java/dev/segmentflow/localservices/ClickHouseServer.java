package dev.segmentflow.localservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Debian's clickhouse-server as a child process, with its own config, data and logs under a folder
 * of ours, on free loopback ports.
 */
public final class ClickHouseServer implements Service {
  private static final List<Path> BINARIES =
      List.of(Path.of("/usr/sbin/clickhouse-server"), Path.of("/usr/bin/clickhouse-server"));

  private final Path dir;
  private final int httpPort;
  private final int tcpPort;
  private ChildProcess process;

  private ClickHouseServer(Path dir, int httpPort, int tcpPort) {
    this.dir = dir.toAbsolutePath();
    this.httpPort = httpPort;
    this.tcpPort = tcpPort;
  }

  public static ClickHouseServer start(Path dir) {
    return start(dir, Ports.free(), Ports.free());
  }

  public static ClickHouseServer start(Path dir, int httpPort, int tcpPort) {
    ClickHouseServer server = new ClickHouseServer(dir, httpPort, tcpPort);
    server.launch();
    return server;
  }

  public static Path binary() {
    return BINARIES.stream()
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "clickhouse-server not installed; run bin/setup (apt-get install clickhouse-server)"));
  }

  private void launch() {
    Path config = dir.resolve("config.xml");
    try {
      for (String sub : List.of("data", "tmp", "user_files", "format_schemas", "log")) {
        Files.createDirectories(dir.resolve(sub));
      }
      Files.writeString(config, configXml(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("users.xml"), USERS_XML, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    process =
        ChildProcess.start(
            "clickhouse",
            List.of(binary().toString(), "--config-file=" + config),
            dir,
            dir.resolve("log/stdout.log"));
    process.awaitReady(this::pings, Duration.ofSeconds(60));
  }

  private String configXml() {
    String d = dir.toAbsolutePath().toString();
    return """
        <?xml version="1.0"?>
        <yandex>
          <logger>
            <level>information</level>
            <log>%1$s/log/server.log</log>
            <errorlog>%1$s/log/error.log</errorlog>
            <size>100M</size>
            <count>2</count>
            <console>0</console>
          </logger>
          <listen_host>127.0.0.1</listen_host>
          <http_port>%2$d</http_port>
          <tcp_port>%3$d</tcp_port>
          <path>%1$s/data/</path>
          <tmp_path>%1$s/tmp/</tmp_path>
          <user_files_path>%1$s/user_files/</user_files_path>
          <format_schema_path>%1$s/format_schemas/</format_schema_path>
          <users_config>%1$s/users.xml</users_config>
          <default_profile>default</default_profile>
          <default_database>default</default_database>
          <timezone>UTC</timezone>
          <mark_cache_size>268435456</mark_cache_size>
          <max_concurrent_queries>100</max_concurrent_queries>
          <max_connections>256</max_connections>
          <keep_alive_timeout>3</keep_alive_timeout>
        </yandex>
        """
        .formatted(d, httpPort, tcpPort);
  }

  private static final String USERS_XML =
      """
      <?xml version="1.0"?>
      <yandex>
        <profiles>
          <default>
            <max_memory_usage>4000000000</max_memory_usage>
            <load_balancing>random</load_balancing>
          </default>
        </profiles>
        <users>
          <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
          </default>
        </users>
        <quotas>
          <default>
            <interval>
              <duration>3600</duration>
              <queries>0</queries>
              <errors>0</errors>
              <result_rows>0</result_rows>
              <read_rows>0</read_rows>
              <execution_time>0</execution_time>
            </interval>
          </default>
        </quotas>
      </yandex>
      """;

  private boolean pings() {
    return LocalHttp.probe(httpUrl() + "/ping").map(r -> r.statusCode() == 200).orElse(false);
  }

  /** Runs one SQL statement over HTTP and returns the body (TabSeparated); for tests and checks. */
  public String query(String sql) {
    HttpResponse<String> r =
        LocalHttp.send(
            HttpRequest.newBuilder(URI.create(httpUrl() + "/"))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(sql))
                .build());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("ClickHouse answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  public String httpUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** A JDBC URL for the legacy driver; {@code compress=0} because 18.16 rejects its compression. */
  public String jdbcUrl(String database) {
    return jdbcUrl(httpPort, database);
  }

  public static String jdbcUrl(int httpPort, String database) {
    return "jdbc:clickhouse://127.0.0.1:" + httpPort + "/" + database + "?compress=0";
  }

  public int httpPort() {
    return httpPort;
  }

  public int tcpPort() {
    return tcpPort;
  }

  @Override
  public String name() {
    return "clickhouse";
  }

  @Override
  public ChildProcess process() {
    return process;
  }

  @Override
  public String logTail(int lines) {
    return ChildProcess.tail(dir.resolve("log/error.log"), lines)
        + "\n"
        + ChildProcess.tail(dir.resolve("log/stdout.log"), lines);
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }
}
