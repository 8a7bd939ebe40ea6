package dev.segmentflow.jobs;

import java.io.IOException;
import org.apache.flink.api.java.utils.ParameterTool;

/** How every job's {@code main} reads its configuration. */
public final class JobParameters {
  /**
   * Where a job writes in ClickHouse when no {@code --clickhouse-url} is given; Kubernetes fills it
   * from a Secret so that credentials stay out of the job's arguments (which the Flink UI shows).
   */
  public static final String CLICKHOUSE_URL_ENV = "CLICKHOUSE_URL";

  /** Checkpoint interval of every job unless {@code --checkpoint-interval-ms} says otherwise. */
  public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 10_000;

  private JobParameters() {}

  /** {@code --checkpoint-interval-ms}, else {@link #DEFAULT_CHECKPOINT_INTERVAL_MS}. */
  public static long checkpointIntervalMillis(ParameterTool params) {
    return params.getLong("checkpoint-interval-ms", DEFAULT_CHECKPOINT_INTERVAL_MS);
  }

  /**
   * The arguments, over the properties file {@code --config} names if any: {@code --config
   * popularity.properties --tick-seconds 10} takes everything from the file but the tick.
   */
  public static ParameterTool of(String[] args) throws IOException {
    ParameterTool fromArgs = ParameterTool.fromArgs(args);
    if (!fromArgs.has("config")) {
      return fromArgs;
    }
    return ParameterTool.fromPropertiesFile(fromArgs.get("config")).mergeWith(fromArgs);
  }

  /** {@code --clickhouse-url}, else the {@value #CLICKHOUSE_URL_ENV} environment variable. */
  public static String clickHouseUrl(ParameterTool params) {
    String url = params.get("clickhouse-url", System.getenv(CLICKHOUSE_URL_ENV));
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(
          "no ClickHouse JDBC URL: pass --clickhouse-url or set " + CLICKHOUSE_URL_ENV);
    }
    return url;
  }
}
