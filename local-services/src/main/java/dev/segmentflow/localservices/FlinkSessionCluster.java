package dev.segmentflow.localservices;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A standalone Flink session cluster: one JobManager and one TaskManager, each its own JVM on the
 * classpath of a Flink distribution (see the flink-distribution module), configured the way a
 * user's {@code conf/config.yaml} would be. Jobs reach it only through its REST endpoint, as with
 * {@code flink run}, so a job jar that runs here carries everything Flink does not provide.
 */
public final class FlinkSessionCluster implements Service {
  private static final Pattern SLOTS_TOTAL = Pattern.compile("\"slots-total\"\\s*:\\s*(\\d+)");

  private final Path dir;
  private final int slots;
  private final int restPort;
  private final boolean highAvailability;
  private final int zooKeeperPort;
  private ChildProcess zooKeeper;
  private ChildProcess jobManager;
  private ChildProcess taskManager;

  private FlinkSessionCluster(Path dir, int slots, boolean highAvailability) {
    this.dir = dir.toAbsolutePath();
    this.slots = slots;
    this.restPort = Ports.free();
    this.highAvailability = highAvailability;
    this.zooKeeperPort = highAvailability ? Ports.free() : -1;
  }

  /** Starts both processes and waits until the TaskManager's slots are registered. */
  public static FlinkSessionCluster start(Path dir, int slots) {
    return start(dir, slots, false);
  }

  /**
   * As {@link #start(Path, int)}; with {@code highAvailability}, Flink's ZooKeeper HA (a ZooKeeper
   * server of its own, job graphs and checkpoint pointers under {@code dir/data/ha}), so that a
   * JobManager started after one was killed recovers the running jobs from their latest
   * checkpoints, and jobs restart quickly after a fault (fixed delay, short heartbeats).
   */
  public static FlinkSessionCluster start(Path dir, int slots, boolean highAvailability) {
    FlinkSessionCluster c = new FlinkSessionCluster(dir, slots, highAvailability);
    try {
      c.launch();
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** SIGKILLs the TaskManager JVM. */
  public void killTaskManager() {
    taskManager.kill();
  }

  /** Starts a new TaskManager process and waits until its slots are registered. */
  public void startTaskManager() {
    taskManager =
        ChildProcess.start(
            "flink-taskmanager",
            ChildProcess.javaCommand(
                distributionClasspath(),
                jvmArgs(
                    "taskmanager",
                    "-Xmx512m",
                    "-Xms512m",
                    "-XX:MaxDirectMemorySize=384m",
                    "-XX:MaxMetaspaceSize=640m"),
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                "--configDir",
                dir.resolve("conf").toString()),
            dir,
            dir.resolve("log/taskmanager.out"));
    taskManager.awaitReady(() -> registeredSlots() >= slots, Duration.ofSeconds(90));
  }

  /** SIGKILLs the JobManager JVM. */
  public void killJobManager() {
    jobManager.kill();
  }

  /** Starts a new JobManager process on the same ports and waits until its REST API answers. */
  public void startJobManager() {
    jobManager =
        ChildProcess.start(
            "flink-jobmanager",
            ChildProcess.javaCommand(
                distributionClasspath(),
                jvmArgs("jobmanager", "-Xmx448m", "-Xms448m"),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                "--configDir",
                dir.resolve("conf").toString()),
            dir,
            dir.resolve("log/jobmanager.out"));
    jobManager.awaitReady(
        () -> LocalHttp.probe(restUrl() + "/config").map(r -> r.statusCode() == 200).orElse(false),
        Duration.ofSeconds(90));
  }

  private void launch() {
    Path conf = dir.resolve("conf");
    try {
      Files.createDirectories(conf);
      Files.createDirectories(dir.resolve("log"));
      for (String d : new String[] {"checkpoints", "savepoints", "uploads", "tmp"}) {
        Files.createDirectories(dir.resolve("data").resolve(d));
      }
      Files.writeString(conf.resolve("config.yaml"), config(), StandardCharsets.UTF_8);
      Files.writeString(conf.resolve("log4j.properties"), LOG4J, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (highAvailability) {
      startZooKeeper();
    }
    startJobManager();
    startTaskManager();
  }

  /** Flink's own quorum peer, standalone: what bin/start-zookeeper-quorum.sh runs. */
  private void startZooKeeper() {
    Path conf = dir.resolve("conf/zoo.cfg");
    try {
      Files.writeString(
          conf,
          String.join(
              "\n",
              "tickTime=2000",
              "initLimit=10",
              "syncLimit=5",
              "dataDir=" + dir.resolve("data/zookeeper"),
              "clientPort=" + zooKeeperPort,
              "clientPortAddress=127.0.0.1",
              ""),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    zooKeeper =
        ChildProcess.start(
            "zookeeper",
            ChildProcess.javaCommand(
                distributionClasspath(),
                List.of(
                    "-Xmx128m",
                    "-XX:+UseSerialGC",
                    "-Dlog.file=" + dir.resolve("log/zookeeper.log"),
                    "-Dlog4j.configurationFile=file:" + dir.resolve("conf/log4j.properties")),
                "org.apache.flink.runtime.zookeeper.FlinkZooKeeperQuorumPeer",
                "--zkConfigFile",
                conf.toString(),
                "--peerId",
                "0"),
            dir,
            dir.resolve("log/zookeeper.out"));
    zooKeeper.awaitReady(() -> Ports.listening(zooKeeperPort), Duration.ofSeconds(60));
  }

  private List<String> jvmArgs(String role, String... memory) {
    List<String> args = new ArrayList<>(Arrays.asList(memory));
    args.add("-XX:+UseSerialGC");
    args.addAll(Arrays.asList(buildProperty("flink.add.opens").split("\\s+")));
    args.add("-Dlog.file=" + dir.resolve("log/" + role + ".log"));
    args.add("-Dlog4j.configurationFile=file:" + dir.resolve("conf/log4j.properties"));
    return args;
  }

  private String config() {
    Path data = dir.resolve("data");
    return String.join(
        "\n",
        "jobmanager.rpc.address: localhost",
        "jobmanager.rpc.port: " + Ports.free(),
        "jobmanager.bind-host: localhost",
        "jobmanager.memory.process.size: 1024m",
        "taskmanager.host: localhost",
        "taskmanager.bind-host: localhost",
        "taskmanager.numberOfTaskSlots: " + slots,
        // Flink's start scripts derive these and pass them to the TaskManager; so do we, and the
        // JVM flags above follow from them.
        "taskmanager.cpu.cores: " + slots,
        "taskmanager.memory.framework.heap.size: 128m",
        "taskmanager.memory.task.off-heap.size: 0m",
        "taskmanager.memory.task.heap.size: 384m",
        "taskmanager.memory.managed.size: 256m",
        "taskmanager.memory.framework.off-heap.size: 128m",
        "taskmanager.memory.network.min: 96m",
        "taskmanager.memory.network.max: 96m",
        "taskmanager.memory.jvm-metaspace.size: 640m",
        "taskmanager.memory.jvm-overhead.min: 192m",
        "taskmanager.memory.jvm-overhead.max: 192m",
        "rest.address: localhost",
        "rest.bind-address: 127.0.0.1",
        "rest.port: " + restPort,
        "parallelism.default: 1",
        "state.checkpoints.dir: file://" + data.resolve("checkpoints"),
        "state.savepoints.dir: file://" + data.resolve("savepoints"),
        "web.upload.dir: " + data.resolve("uploads"),
        "io.tmp.dirs: " + data.resolve("tmp"),
        highAvailability ? highAvailabilityConfig(data) : "",
        "");
  }

  private String highAvailabilityConfig(Path data) {
    return String.join(
        "\n",
        "high-availability.type: zookeeper",
        "high-availability.storageDir: file://" + data.resolve("ha"),
        "high-availability.zookeeper.quorum: 127.0.0.1:" + zooKeeperPort,
        "high-availability.cluster-id: /segmentflow",
        "restart-strategy.type: fixed-delay",
        "restart-strategy.fixed-delay.attempts: 1000",
        "restart-strategy.fixed-delay.delay: 2 s",
        "heartbeat.interval: 2000",
        "heartbeat.timeout: 10000",
        "execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION");
  }

  private int registeredSlots() {
    return LocalHttp.probe(restUrl() + "/overview")
        .filter(r -> r.statusCode() == 200)
        .map(r -> SLOTS_TOTAL.matcher(r.body()))
        .filter(Matcher::find)
        .map(m -> Integer.parseInt(m.group(1)))
        .orElse(0);
  }

  public String restUrl() {
    return "http://127.0.0.1:" + restPort;
  }

  public int slots() {
    return slots;
  }

  /** Where savepoints go unless a stop names another directory. */
  public Path savepointDir() {
    return dir.resolve("data/savepoints");
  }

  /** The JobManager's and TaskManager's logs, for a failing test to print. */
  public String logs(int lines) {
    return "--- jobmanager\n"
        + ChildProcess.tail(dir.resolve("log/jobmanager.log"), lines)
        + "\n--- taskmanager\n"
        + ChildProcess.tail(dir.resolve("log/taskmanager.log"), lines);
  }

  /** The classpath of the distribution's {@code lib/}, written by the flink-distribution build. */
  static String distributionClasspath() {
    try (InputStream in =
        FlinkSessionCluster.class.getResourceAsStream(
            "/dev/segmentflow/localservices/flink-distribution.classpath")) {
      if (in == null) {
        throw new IllegalStateException(
            "flink-distribution.classpath is missing: build local-services/flink-distribution first");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String buildProperty(String name) {
    Properties p = new Properties();
    try (InputStream in =
        FlinkSessionCluster.class.getResourceAsStream("/segmentflow-local-services.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty(name);
  }

  @Override
  public String name() {
    return "flink-session-cluster";
  }

  @Override
  public ChildProcess process() {
    return jobManager;
  }

  @Override
  public String logTail(int lines) {
    return logs(lines);
  }

  @Override
  public void close() {
    if (taskManager != null) {
      taskManager.close();
    }
    if (jobManager != null) {
      jobManager.close();
    }
    if (zooKeeper != null) {
      zooKeeper.close();
    }
  }

  private static final String LOG4J =
      String.join(
          "\n",
          "rootLogger.level = INFO",
          "rootLogger.appenderRef.file.ref = MainAppender",
          "logger.kafka.name = org.apache.kafka",
          "logger.kafka.level = WARN",
          "appender.main.name = MainAppender",
          "appender.main.type = File",
          "appender.main.fileName = ${sys:log.file}",
          "appender.main.layout.type = PatternLayout",
          "appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-40c{1} %m%n",
          "");
}
