package dev.segmentflow.testkit;

import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.localservices.S3Server;
import dev.segmentflow.localservices.Service;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The services of one test JVM, each started on first use and stopped once at the end, so that the
 * whole suite shares one broker, one ClickHouse, one S3 server and one MiniCluster.
 */
public final class SharedServices implements AutoCloseable {
  public static final String BUCKET = S3Server.DEFAULT_BUCKET;
  private static SharedServices instance;

  private final Path baseDir;
  private KafkaBroker kafka;
  private ClickHouseServer clickHouse;
  private S3Server s3;
  private FlinkMiniCluster flink;

  private SharedServices(Path baseDir) {
    this.baseDir = baseDir;
  }

  public static synchronized SharedServices get() {
    if (instance == null) {
      Path build = Path.of(System.getProperty("segmentflow.build.dir", "target"));
      instance = new SharedServices(build.resolve("services-" + ProcessHandle.current().pid()));
      Runtime.getRuntime()
          .addShutdownHook(new Thread(SharedServices::shutdown, "services-shutdown"));
    }
    return instance;
  }

  public static synchronized void shutdown() {
    if (instance != null) {
      instance.close();
      instance = null;
    }
  }

  public Path baseDir() {
    return baseDir;
  }

  public synchronized KafkaBroker kafka() {
    if (kafka == null) {
      kafka = KafkaBroker.start(baseDir.resolve("kafka"));
    }
    return kafka;
  }

  public synchronized ClickHouseServer clickHouse() {
    if (clickHouse == null) {
      clickHouse = ClickHouseServer.start(baseDir.resolve("clickhouse"));
    }
    return clickHouse;
  }

  public synchronized S3Server s3() {
    if (s3 == null) {
      s3 = S3Server.start(baseDir.resolve("s3"), BUCKET);
    }
    return s3;
  }

  public synchronized FlinkMiniCluster flink() {
    if (flink == null) {
      flink = FlinkMiniCluster.start();
    }
    return flink;
  }

  /** The services started so far, for printing their logs when a test fails. */
  public synchronized List<Service> started() {
    List<Service> out = new ArrayList<>();
    for (Service s : new Service[] {kafka, clickHouse, s3}) {
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  @Override
  public synchronized void close() {
    if (flink != null) {
      flink.close();
      flink = null;
    }
    for (Service s : started()) {
      s.close();
    }
    kafka = null;
    clickHouse = null;
    s3 = null;
  }
}
