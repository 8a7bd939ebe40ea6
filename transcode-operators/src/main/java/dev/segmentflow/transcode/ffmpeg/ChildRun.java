package dev.segmentflow.transcode.ffmpeg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One child process run to completion or killed at a wall-clock limit, with its output kept. */
public final class ChildRun {
  /** Bytes of stderr kept: enough for ffmpeg's error lines, bounded against a chatty decoder. */
  private static final int STDERR_TAIL_BYTES = 16 * 1024;

  private ChildRun() {}

  /**
   * What happened. {@code exitCode} is -1 when the process was killed at the limit; {@code stdout}
   * is whole (probes print JSON there), {@code stderr} is the tail.
   */
  public record Result(
      int exitCode, boolean timedOut, String stdout, String stderr, long elapsedMillis) {
    public boolean ok() {
      return !timedOut && exitCode == 0;
    }

    /** The first non-empty stderr line (the cause, where later lines are consequences). */
    public String firstError() {
      return stderr.strip().lines().findFirst().orElse("").strip();
    }

    /** The last non-empty stderr line, for reason details. */
    public String lastError() {
      String[] lines = stderr.strip().split("\n");
      return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }
  }

  public static Result run(List<String> command, Map<String, String> env, Duration timeout) {
    long start = System.nanoTime();
    Process p;
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectInput(new java.io.File("/dev/null"));
      pb.environment().putAll(env);
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
    Drain out = new Drain(p.getInputStream(), Integer.MAX_VALUE);
    Drain err = new Drain(p.getErrorStream(), STDERR_TAIL_BYTES);
    out.start();
    err.start();
    boolean finished;
    try {
      finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      kill(p);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    }
    if (!finished) {
      kill(p);
    }
    out.await();
    err.await();
    long elapsed = (System.nanoTime() - start) / 1_000_000;
    return new Result(finished ? p.exitValue() : -1, !finished, out.text(), err.text(), elapsed);
  }

  /** SIGKILL to the process and anything it started; a hung decoder ignores politer signals. */
  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads a stream to its end on its own thread so the child never blocks on a full pipe. */
  private static final class Drain extends Thread {
    private final InputStream in;
    private final int keep;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private byte[] tail = new byte[0];

    Drain(InputStream in, int keep) {
      this.in = in;
      this.keep = keep;
      setDaemon(true);
    }

    @Override
    public void run() {
      byte[] chunk = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(chunk)) >= 0) {
          buf.write(chunk, 0, n);
          if (buf.size() > 2L * keep && keep < Integer.MAX_VALUE / 2) {
            byte[] all = buf.toByteArray();
            buf.reset();
            buf.write(all, all.length - keep, keep);
          }
        }
      } catch (IOException ignored) {
        // The child was killed: what was read so far is what there is.
      }
      byte[] all = buf.toByteArray();
      tail =
          all.length <= keep
              ? all
              : java.util.Arrays.copyOfRange(all, all.length - keep, all.length);
    }

    void await() {
      try {
        join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    String text() {
      return new String(tail, StandardCharsets.UTF_8);
    }
  }
}
