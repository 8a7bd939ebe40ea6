package dev.segmentflow.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time this JVM has used so far, all its threads together; that of the child processes it has
 * started and waited for (ffmpeg, ffprobe); and that of any other process (the services a bench
 * starts), the last two from {@code /proc}.
 */
final class JvmCpu {
  private JvmCpu() {}

  static long nanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** User and system time of the children that have ended and been waited for; 0 off Linux. */
  static long childrenNanos() {
    return statTicks("self", 13) * TICK_NANOS; // cutime, cstime
  }

  /** User and system time of a process; 0 once it is gone, or off Linux. */
  static long processNanos(long pid) {
    return statTicks(Long.toString(pid), 11) * TICK_NANOS; // utime, stime
  }

  private static final long TICK_NANOS = 10_000_000L; // clock ticks of 10 ms (USER_HZ 100)

  /**
   * The sum of two adjacent fields of {@code /proc/<process>/stat}, counted from the first field
   * after the command name (which may hold spaces and parentheses of its own).
   */
  private static long statTicks(String process, int field) {
    try {
      String stat = Files.readString(Path.of("/proc/" + process + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[field]) + Long.parseLong(f[field + 1]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
