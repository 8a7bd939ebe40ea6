package dev.segmentflow.schemas.clickhouse;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * <p>Inserts run on a thread of the writer's own, one at a time, while the task encodes the next
 * batch. A refused insert is retried three times with backoff, then fails the job at its next write
 * or checkpoint, and the restore replays the rows from the last checkpoint.
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

  /**
   * When the writer next looks for rows that have waited long enough: an interval after the last
   * insert while rows wait, else an interval from now (a row that comes later waits less).
   */
  static long nextCheck(long now, long lastInsert, boolean rowsWaiting, long intervalMillis) {
    return rowsWaiting ? Math.max(now + 1, lastInsert + intervalMillis) : now + intervalMillis;
  }

  @Override
  @SuppressWarnings("deprecation") // the one abstract createWriter of Flink 1.20
  public SinkWriter<T> createWriter(InitContext context) {
    return new Writer(
        context.getProcessingTimeService(), context.metricGroup().getNumRecordsSendCounter());
  }

  /**
   * Encodes on the task thread and inserts on a thread of its own, so that a subtask reads and
   * validates the next batch while ClickHouse takes the last (a quarter of the task thread's wall
   * time in bench/sink's profile went to waiting for inserts). One insert in flight at most: a full
   * batch waits for the one before it, and {@code flush} (every checkpoint, the end of input) waits
   * until everything written so far is in.
   */
  private final class Writer implements SinkWriter<T> {
    private final ProcessingTimeService time;
    private final Counter sent;
    private final String insert = table.insertStatement();
    private final ExecutorService inserter;
    private RowBinaryBuffer rows = new RowBinaryBuffer(1 << 16);
    private RowBinaryBuffer spare = new RowBinaryBuffer(1 << 16);
    private int count;
    private long lastInsert;
    private Future<?> inFlight;
    private int inFlightRows;

    Writer(ProcessingTimeService time, Counter sent) {
      this.time = time;
      this.sent = sent;
      this.lastInsert = time.getCurrentProcessingTime();
      this.inserter =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "clickhouse-insert " + table.table());
                t.setDaemon(true);
                return t;
              });
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
        send();
      }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
      send();
      awaitInFlight();
    }

    @Override
    public void close() {
      inserter.shutdownNow();
    }

    /**
     * Timers run in the task's mailbox, never beside write or flush. The next check falls when the
     * rows waiting now have waited an interval since the last insert, so no row waits much longer
     * than that (with a check every interval, rows that came just after an insert made between two
     * checks waited for the second: almost two intervals).
     */
    private void schedule() {
      time.registerTimer(
          nextCheck(time.getCurrentProcessingTime(), lastInsert, count > 0, flushIntervalMillis),
          at -> {
            if (count > 0 && at - lastInsert >= flushIntervalMillis) {
              send();
            }
            schedule();
          });
    }

    /** Hands the rows written so far to the inserter, once the insert before them is done. */
    private void send() throws IOException {
      if (count == 0) {
        return;
      }
      awaitInFlight();
      RowBinaryBuffer batch = rows;
      rows = spare;
      spare = batch;
      inFlightRows = count;
      count = 0;
      lastInsert = time.getCurrentProcessingTime();
      inFlight =
          inserter.submit(
              () -> {
                insertWithRetries(batch);
                return null;
              });
    }

    private void awaitInFlight() throws IOException {
      if (inFlight == null) {
        return;
      }
      try {
        inFlight.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for an insert", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      }
      inFlight = null;
      sent.inc(inFlightRows);
      spare.clear();
    }

    private void insertWithRetries(RowBinaryBuffer batch) throws IOException {
      IOException last = null;
      for (int attempt = 0; attempt < 4; attempt++) {
        try {
          clickHouse.insert(insert, batch.array(), batch.size());
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
