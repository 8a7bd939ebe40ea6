package dev.segmentflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.java.utils.ParameterTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobParametersTest {
  @Test
  void argumentsOverrideTheConfigFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("popularity.properties");
    Files.writeString(file, "tick-seconds=60\nbootstrap-servers=kafka:9092\n");
    ParameterTool p =
        JobParameters.of(new String[] {"--config", file.toString(), "--tick-seconds", "10"});
    assertThat(p.get("tick-seconds")).isEqualTo("10");
    assertThat(p.get("bootstrap-servers")).isEqualTo("kafka:9092");
  }

  @Test
  void withoutAConfigFileOnlyTheArgumentsCount() throws Exception {
    assertThat(JobParameters.of(new String[] {"--bounded", "true"}).toMap()).hasSize(1);
  }

  @Test
  void theClickHouseUrlComesFromTheArgumentsOrTheEnvironment() throws Exception {
    assertThat(
            JobParameters.clickHouseUrl(
                JobParameters.of(new String[] {"--clickhouse-url", "jdbc:clickhouse://h:8123/db"})))
        .isEqualTo("jdbc:clickhouse://h:8123/db");
    if (System.getenv(JobParameters.CLICKHOUSE_URL_ENV) == null) {
      assertThatThrownBy(() -> JobParameters.clickHouseUrl(JobParameters.of(new String[0])))
          .hasMessageContaining("--clickhouse-url")
          .hasMessageContaining(JobParameters.CLICKHOUSE_URL_ENV);
    }
  }
}
