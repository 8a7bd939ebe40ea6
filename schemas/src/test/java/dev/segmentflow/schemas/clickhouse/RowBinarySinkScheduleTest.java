package dev.segmentflow.schemas.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RowBinarySinkScheduleTest {
  private static final long INTERVAL = 1_000;

  @Test
  void rowsThatCameJustAfterAnInsertWaitOneIntervalFromIt() {
    // inserted at 10,000; a row came at 10,100; the timer fires at 10,200
    assertThat(RowBinarySink.nextCheck(10_200, 10_000, true, INTERVAL)).isEqualTo(11_000);
  }

  @Test
  void rowsThatHaveWaitedPastTheirTimeAreLookedAtAtOnce() {
    assertThat(RowBinarySink.nextCheck(12_500, 10_000, true, INTERVAL)).isEqualTo(12_501);
  }

  @Test
  void withNothingWaitingTheNextRowWaitsAtMostOneInterval() {
    assertThat(RowBinarySink.nextCheck(10_200, 10_000, false, INTERVAL)).isEqualTo(11_200);
  }
}
