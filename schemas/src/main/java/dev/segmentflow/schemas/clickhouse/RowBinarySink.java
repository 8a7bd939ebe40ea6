package dev.segmentflow.schemas.clickhouse;

import java.io.IOException;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;

/**
 * Records into one ClickHouse table as RowBinary over HTTP. Rows collect in one buffer per subtask
 * and go out as one insert when the buffer reaches {@code maxRows} or {@code maxBytes}, when {@code
 * flushIntervalMillis} has passed since the last insert, and at every checkpoint (Flink calls
 * {@code flush} before the barrier) and at the end of input: at least once, and exactly once in the
 * table because every table it writes is a ReplacingMergeTree keyed by the record's own id, so a
 * replay after a restore overwrites instead of adding.
 *
 * <p>A refused insert is retried three times with backoff, then fails the job, whose restore
 * replays the rows from the last checkpoint.
 */
public final class RowBinarySink<T> implements Sink<T> {
  private static final long serialVersionUID = 1L;

  private final ClickHouseHttp clickHouse;
  private final RowBinaryTable<T> table;
  private final int maxRows;
  private final int maxBytes;
  private final long flushIntervalMillis;

  public RowBinarySink(
      ClickHouseHttp clickHouse,
      RowBinaryTable<T> table,
      int maxRows,
      int maxBytes,
      long flushIntervalMillis) {
    this.clickHouse = clickHouse;
    this.table = table;
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
    this.flushIntervalMillis = flushIntervalMillis;
  }

  /** Batches of up to 100,000 rows or 16 MB, and at least one insert a second while rows come. */
  public static <T> RowBinarySink<T> of(String jdbcUrl, RowBinaryTable<T> table) {
    return new RowBinarySink<>(
        ClickHouseHttp.fromJdbcUrl(jdbcUrl), table, 100_000, 16 << 20, 1_000);
  }

  @Override
  @SuppressWarnings("deprecation") // the one abstract createWriter of Flink 1.20
  public SinkWriter<T> createWriter(InitContext context) {
    return new Writer(
        context.getProcessingTimeService(), context.metricGroup().getNumRecordsSendCounter());
  }

  private final class Writer implements SinkWriter<T> {
    private final ProcessingTimeService time;
    private final Counter sent;
    private final RowBinaryBuffer rows = new RowBinaryBuffer(1 << 16);
    private final String insert = table.insertStatement();
    private int count;
    private long lastInsert;

    Writer(ProcessingTimeService time, Counter sent) {
      this.time = time;
      this.sent = sent;
      this.lastInsert = time.getCurrentProcessingTime();
      schedule();
    }

    @Override
    public void write(T record, Context context) throws IOException {
      int mark = rows.size();
      try {
        table.encoder().encode(record, rows);
      } catch (RuntimeException e) {
        rows.truncate(mark); // never send half a row
        throw e;
      }
      count++;
      if (count >= maxRows || rows.size() >= maxBytes) {
        insert();
      }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
      insert();
    }

    @Override
    public void close() {}

    /** Timers run in the task's mailbox, never beside write or flush. */
    private void schedule() {
      time.registerTimer(
          time.getCurrentProcessingTime() + flushIntervalMillis,
          now -> {
            if (count > 0 && now - lastInsert >= flushIntervalMillis) {
              insert();
            }
            schedule();
          });
    }

    private void insert() throws IOException {
      if (count == 0) {
        return;
      }
      IOException last = null;
      for (int attempt = 0; attempt < 4; attempt++) {
        try {
          clickHouse.insert(insert, rows.array(), rows.size());
          sent.inc(count);
          rows.clear();
          count = 0;
          lastInsert = time.getCurrentProcessingTime();
          return;
        } catch (IOException e) {
          last = e;
          sleep(200L << attempt);
        }
      }
      throw last;
    }

    private void sleep(long millis) throws IOException {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while retrying an insert", e);
      }
    }
  }
}
