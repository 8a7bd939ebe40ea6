package dev.segmentflow.viewersim;

import java.io.IOException;
import java.io.InputStream;

/**
 * A player's access link: reads a response body no faster than its bandwidth, by sleeping after
 * each chunk until the bytes so far fit the rate. The edge sees a slow client, as it would in the
 * field.
 */
public final class ShapedLink {
  private static final int CHUNK = 16 * 1024;
  private final long bitsPerSecond;

  public ShapedLink(long kbps) {
    if (kbps <= 0) {
      throw new IllegalArgumentException("bandwidth must be positive: " + kbps);
    }
    this.bitsPerSecond = kbps * 1000;
  }

  public long kbps() {
    return bitsPerSecond / 1000;
  }

  /** Reads {@code in} to its end; returns the bytes read. */
  public long drain(InputStream in) throws IOException {
    byte[] buf = new byte[CHUNK];
    long start = System.nanoTime();
    long total = 0;
    for (int n; (n = in.read(buf)) >= 0; ) {
      total += n;
      long dueNanos = total * 8 * 1_000_000_000L / bitsPerSecond;
      long ahead = dueNanos - (System.nanoTime() - start);
      if (ahead > 1_000_000) {
        try {
          Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while downloading", e);
        }
      }
    }
    return total;
  }
}
