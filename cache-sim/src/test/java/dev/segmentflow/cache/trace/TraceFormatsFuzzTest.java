package dev.segmentflow.cache.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.segmentflow.cache.policy.TraceRequest;
import dev.segmentflow.testkit.FuzzRuns;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * The trace readers, fuzzed: a trace is read or refused with an IOException naming the problem, and
 * every request read can be replayed (a key, a size that is not negative, a time).
 */
class TraceFormatsFuzzTest {

  static void replayable(List<TraceRequest> trace) {
    for (TraceRequest r : trace) {
      assertThat(r.key()).isNotNull();
      assertThat(r.sizeBytes()).isNotNegative();
      assertThat(r.timeMillis()).isNotNegative();
    }
  }

  @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
  void ownCsv(FuzzedDataProvider data) {
    FuzzRuns.count("ownCsv");
    String body = data.consumeRemainingAsString();
    try {
      replayable(
          TraceFormats.readCsv(
              new BufferedReader(new StringReader(TraceFormats.CSV_HEADER + "\n" + body))));
    } catch (IOException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
  void libCacheSimCsv(FuzzedDataProvider data) {
    FuzzRuns.count("libCacheSimCsv");
    int time = data.consumeInt(1, 4);
    int key = data.consumeInt(1, 4);
    int size = data.consumeInt(1, 4);
    boolean header = data.consumeBoolean();
    String body = data.consumeRemainingAsString();
    try {
      replayable(
          TraceFormats.readLibCacheSimCsv(
              new BufferedReader(new StringReader(body)), time, key, size, header));
    } catch (IOException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
  void oracleGeneral(FuzzedDataProvider data) {
    FuzzRuns.count("oracleGeneral");
    try {
      replayable(
          TraceFormats.readOracleGeneral(new ByteArrayInputStream(data.consumeRemainingAsBytes())));
    } catch (IOException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }

  @AfterAll
  static void reportExecutions() {
    FuzzRuns.print();
  }
}
