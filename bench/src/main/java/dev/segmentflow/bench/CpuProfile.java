package dev.segmentflow.bench;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import one.profiler.AsyncProfiler;

/**
 * async-profiler around one measured stretch of a bench, when the system property {@code
 * bench.profile} names the file for its collapsed stacks (per thread, native frames included:
 * RocksDB, the JIT and GC show up, which JFR cannot show). On CPU time by default; with the
 * environment's {@code BENCH_PROFILE_EVENT=wall}, wall-clock time of every thread, which shows
 * where a thread waits (an insert, a lock, a queue).
 */
final class CpuProfile implements AutoCloseable {
  private final AsyncProfiler profiler;
  private final String file;

  private CpuProfile(AsyncProfiler profiler, String file) {
    this.profiler = profiler;
    this.file = file;
  }

  /** A profile that records nothing. */
  static CpuProfile none() {
    return new CpuProfile(null, null);
  }

  /** Starts profiling if asked to; otherwise does nothing. */
  static CpuProfile start() throws Exception {
    return start("");
  }

  /** As {@link #start()}, into the named file with {@code suffix} appended. */
  static CpuProfile start(String suffix) throws Exception {
    String file = System.getProperty("bench.profile");
    if (file == null || file.isBlank()) {
      return new CpuProfile(null, null);
    }
    Path lib = Files.createTempFile("async-profiler", ".so");
    try (InputStream in = CpuProfile.class.getResourceAsStream("/linux-x64/libasyncProfiler.so")) {
      if (in == null) {
        throw new IllegalStateException("async-profiler has no native library for this machine");
      }
      Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
    }
    AsyncProfiler profiler = AsyncProfiler.getInstance(lib.toString());
    // itimer: works where perf events are restricted (perf_event_paranoid 2 here).
    String event = "wall".equals(System.getenv("BENCH_PROFILE_EVENT")) ? "wall" : "itimer";
    profiler.execute("start,event=" + event + ",interval=5ms,threads");
    return new CpuProfile(profiler, file + suffix);
  }

  @Override
  public void close() throws Exception {
    if (profiler != null) {
      profiler.execute("stop,collapsed,file=" + file);
      System.err.println("      CPU profile (collapsed stacks): " + file);
    }
  }
}
