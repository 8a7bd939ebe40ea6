package dev.segmentflow.edge;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Warms the cache ahead of demand with bounded concurrency and bandwidth, so prefetching never
 * competes with players for the origin link: at most {@code concurrency} fetches at once, and after
 * each fetch the worker waits until the byte budget allows the next.
 */
public final class Prefetcher implements AutoCloseable {
  private final EdgeCache cache;
  private final EdgeMetrics metrics;
  private final RequestLog log;
  private final Clock clock;
  private final ExecutorService workers;
  private final Semaphore slots;
  private final int bound;
  private final double bytesPerSecond;
  private final Object pace = new Object();
  private long nextFreeNanos = System.nanoTime();

  /**
   * @param log where each fetch is logged, so the origin traffic prefetching causes is on record
   */
  public Prefetcher(
      EdgeCache cache,
      EdgeMetrics metrics,
      RequestLog log,
      Clock clock,
      int concurrency,
      long bytesPerSecond) {
    this.cache = cache;
    this.metrics = metrics;
    this.log = log;
    this.clock = clock;
    this.workers =
        Executors.newFixedThreadPool(
            concurrency,
            r -> {
              Thread t = new Thread(r, "edge-prefetch");
              t.setDaemon(true);
              return t;
            });
    this.bound = concurrency * 64;
    this.slots = new Semaphore(bound);
    this.bytesPerSecond = bytesPerSecond;
  }

  /** Queues the objects; objects beyond the queue bound are counted as skipped. */
  public void submit(List<HlsObject> objects) {
    for (HlsObject o : objects) {
      if (!slots.tryAcquire()) {
        metrics.inc("edge_prefetch_skipped_total");
        continue;
      }
      workers.execute(
          () -> {
            try {
              long now = clock.millis();
              long t0 = System.nanoTime();
              long bytes = cache.prefetch(o);
              if (bytes > 0) {
                log.prefetched(o, bytes, (System.nanoTime() - t0) / 1000, now);
                metrics.inc("edge_prefetch_objects_total");
                throttle(bytes);
              }
            } catch (FileNotFoundException e) {
              metrics.inc("edge_prefetch_missing_total");
            } catch (IOException | RuntimeException e) {
              metrics.inc("edge_prefetch_errors_total");
            } finally {
              slots.release();
            }
          });
    }
  }

  private void throttle(long bytes) {
    if (bytesPerSecond <= 0) {
      return;
    }
    long wait;
    synchronized (pace) {
      long now = System.nanoTime();
      long start = Math.max(now, nextFreeNanos);
      nextFreeNanos = start + (long) (bytes * 1e9 / bytesPerSecond);
      wait = nextFreeNanos - now;
    }
    if (wait > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits until nothing is queued or running (tests and shutdown). */
  public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
    if (slots.tryAcquire(bound, timeoutMillis, TimeUnit.MILLISECONDS)) {
      slots.release(bound);
      return true;
    }
    return false;
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
