package dev.segmentflow.jobs;

import org.apache.flink.api.java.utils.ParameterTool;

/**
 * Where a job writes in ClickHouse: {@code --clickhouse-url}, else the {@code CLICKHOUSE_URL}
 * environment variable, which Kubernetes fills from a Secret so that credentials stay out of the
 * job's arguments (and out of the Flink UI, which shows them).
 */
public final class ClickHouseUrl {
  public static final String ENV = "CLICKHOUSE_URL";

  private ClickHouseUrl() {}

  public static String of(ParameterTool params) {
    String url = params.get("clickhouse-url", System.getenv(ENV));
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(
          "no ClickHouse JDBC URL: pass --clickhouse-url or set " + ENV);
    }
    return url;
  }
}
