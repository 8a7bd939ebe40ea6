package dev.segmentflow.schemas.clickhouse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ClickHouse's HTTP interface, reached from the same {@code jdbc:clickhouse://host:port/db?...} URL
 * the jobs are configured with (the legacy driver talks HTTP to that port too). The database,
 * {@code user}, {@code password} and {@code ssl} come from the URL; driver-only settings such as
 * {@code compress} are dropped.
 */
public final class ClickHouseHttp implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String base;

  private ClickHouseHttp(String base) {
    this.base = base;
  }

  public static ClickHouseHttp fromJdbcUrl(String jdbcUrl) {
    String prefix = "jdbc:clickhouse://";
    if (jdbcUrl == null || !jdbcUrl.startsWith(prefix)) {
      throw new IllegalArgumentException("not a jdbc:clickhouse:// URL: " + jdbcUrl);
    }
    URI uri = URI.create("http://" + jdbcUrl.substring(prefix.length()));
    Map<String, String> params = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
    }
    String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    StringBuilder b =
        new StringBuilder("true".equals(params.get("ssl")) ? "https://" : "http://")
            .append(uri.getHost())
            .append(':')
            .append(uri.getPort() < 0 ? 8123 : uri.getPort())
            .append("/?");
    if (!database.isEmpty()) {
      b.append("database=").append(encode(database)).append('&');
    }
    for (String key : new String[] {"user", "password"}) {
      if (params.containsKey(key)) {
        b.append(key).append('=').append(params.get(key)).append('&');
      }
    }
    return new ClickHouseHttp(b.toString());
  }

  /** The endpoint and its fixed parameters (for tests; it may hold the password). */
  String base() {
    return base;
  }

  /**
   * Sends {@code length} bytes of rows in the format that {@code insert} names; throws with the
   * server's own message when it refuses them.
   */
  public void insert(String insert, byte[] rows, int length) throws IOException {
    URI uri = URI.create(base + "query=" + encode(insert));
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setFixedLengthStreamingMode(length);
    c.setConnectTimeout(10_000);
    c.setReadTimeout(120_000);
    try (OutputStream out = c.getOutputStream()) {
      out.write(rows, 0, length);
    }
    int status = c.getResponseCode();
    if (status != 200) {
      String message;
      try (InputStream err = c.getErrorStream()) {
        message =
            err == null ? "" : new String(err.readNBytes(2000), StandardCharsets.UTF_8).trim();
      }
      c.disconnect();
      throw new IOException(
          "ClickHouse answered HTTP " + status + " to " + insert + ": " + message);
    }
    // Read to the end and close without disconnecting: the connection stays open for the next.
    try (InputStream in = c.getInputStream()) {
      in.readAllBytes();
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
