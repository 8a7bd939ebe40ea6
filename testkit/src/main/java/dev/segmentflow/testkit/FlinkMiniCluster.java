package dev.segmentflow.testkit;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;

/** One Flink MiniCluster shared by every test in a JVM: starting one costs seconds. */
public final class FlinkMiniCluster implements AutoCloseable {
  public static final int SLOTS = 4;
  private final MiniCluster miniCluster;

  private FlinkMiniCluster(MiniCluster miniCluster) {
    this.miniCluster = miniCluster;
  }

  public static FlinkMiniCluster start() {
    Configuration conf = new Configuration();
    conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("256m"));
    conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
    conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
    conf.set(RestOptions.BIND_PORT, "0");
    MiniCluster mc =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(SLOTS)
                .build());
    try {
      mc.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the Flink MiniCluster", e);
    }
    return new FlinkMiniCluster(mc);
  }

  /** An environment whose jobs run on this cluster. */
  public StreamExecutionEnvironment environment(int parallelism) {
    return new TestStreamEnvironment(miniCluster, parallelism);
  }

  public MiniCluster miniCluster() {
    return miniCluster;
  }

  @Override
  public void close() {
    try {
      miniCluster.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the Flink MiniCluster", e);
    }
  }
}
