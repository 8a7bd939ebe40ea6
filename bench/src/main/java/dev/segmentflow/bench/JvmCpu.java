package dev.segmentflow.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/** CPU time this JVM has used so far, all its threads together. */
final class JvmCpu {
  private JvmCpu() {}

  static long nanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
