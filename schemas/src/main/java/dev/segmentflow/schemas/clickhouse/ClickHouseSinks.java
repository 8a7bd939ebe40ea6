package dev.segmentflow.schemas.clickhouse;

import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * The one JDBC sink into ClickHouse that every table's sink is built from. Every table has a
 * deterministic key and a ReplacingMergeTree engine, so the at-least-once JDBC sink plus a replay
 * after restore converges to exactly one row per key (read with FINAL, or after merges). Each
 * table's SQL and binder live with the module that owns the data.
 */
public final class ClickHouseSinks {
  private ClickHouseSinks() {}

  static JdbcConnectionOptions connection(String jdbcUrl) {
    return new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
        .withUrl(jdbcUrl)
        .withDriverName(ClickHouseJdbc.DRIVER)
        .withConnectionCheckTimeoutSeconds(10)
        .build();
  }

  static JdbcExecutionOptions batching() {
    // ClickHouse wants few large inserts; a checkpoint flushes whatever is pending.
    return JdbcExecutionOptions.builder()
        .withBatchSize(5000)
        .withBatchIntervalMs(1000)
        .withMaxRetries(3)
        .build();
  }

  public static <T> JdbcSink<T> sink(
      String jdbcUrl, String insertSql, JdbcStatementBuilder<T> binder) {
    return JdbcSink.<T>builder()
        .withQueryStatement(insertSql, binder)
        .withExecutionOptions(batching())
        .buildAtLeastOnce(connection(jdbcUrl));
  }
}
