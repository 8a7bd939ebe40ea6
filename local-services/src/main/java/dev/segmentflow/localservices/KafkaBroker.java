package dev.segmentflow.localservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A single-node KRaft Kafka broker in a child JVM: storage formatted once, then {@code
 * kafka.Kafka}. The transaction settings are those a single node needs for exactly-once sinks not
 * to hang.
 */
public final class KafkaBroker implements Service {
  private static final List<String> JVM_ARGS =
      List.of("-Xms256m", "-Xmx768m", "-XX:+UseSerialGC", "-Djava.awt.headless=true");

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private ChildProcess process;

  private KafkaBroker(Path dir, int port, int controllerPort) {
    this.dir = dir.toAbsolutePath();
    this.port = port;
    this.controllerPort = controllerPort;
  }

  public static KafkaBroker start(Path dir) {
    return start(dir, Ports.free(), Ports.free());
  }

  public static KafkaBroker start(Path dir, int port, int controllerPort) {
    KafkaBroker broker = new KafkaBroker(dir, port, controllerPort);
    broker.launch();
    return broker;
  }

  private void launch() {
    Path config = dir.resolve("server.properties");
    Path logDir = dir.resolve("data");
    try {
      Files.createDirectories(dir);
      Files.writeString(config, serverProperties(logDir), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String classpath = System.getProperty("java.class.path");
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      ChildProcess.runToCompletion(
          "kafka-storage-format",
          ChildProcess.javaCommand(
              classpath,
              JVM_ARGS,
              "kafka.tools.StorageTool",
              "format",
              "-t",
              Uuid.randomUuid().toString(),
              "-c",
              config.toString()),
          dir,
          dir.resolve("format.log"),
          Duration.ofSeconds(60));
    }
    process =
        ChildProcess.start(
            "kafka",
            ChildProcess.javaCommand(classpath, JVM_ARGS, "kafka.Kafka", config.toString()),
            dir,
            dir.resolve("kafka.log"));
    process.awaitReady(this::answers, Duration.ofSeconds(60));
  }

  private String serverProperties(Path logDir) {
    return String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name=PLAINTEXT",
            "log.dirs=" + logDir,
            "num.partitions=1",
            "auto.create.topics.enable=false",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=4",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "transaction.state.log.num.partitions=4",
            // Must be at least the sinks' transaction timeout, or exactly-once sinks fail to start.
            "transaction.max.timeout.ms=3600000",
            "group.initial.rebalance.delay.ms=0",
            "log.flush.interval.messages=10000",
            "")
        + "\n";
  }

  private boolean answers() {
    if (!Ports.listening(port)) {
      return false;
    }
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    try (Admin admin = Admin.create(p)) {
      return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /**
   * Writes test input and returns only once every record is acknowledged. A test whose input was
   * partly lost would compare the job against data it never saw, so any failed send fails here.
   */
  public void produce(List<ProducerRecord<String, String>> records) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // One request in flight: right after a topic is created the broker may still refuse the first
    // batch (NOT_LEADER_OR_FOLLOWER); with more in flight, Kafka 3.4's idempotent producer then
    // retries the later batches on OUT_OF_ORDER_SEQUENCE_NUMBER until they expire.
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
    List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (ProducerRecord<String, String> r : records) {
        sent.add(producer.send(r));
      }
      producer.flush();
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("test input was not written: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every record value of a topic now, as a read_committed consumer sees it: aborted transactions
   * and uncommitted writes are left out.
   */
  public List<byte[]> readCommitted(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<byte[]> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      var end = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> out.add(r.value()));
      }
    }
    return out;
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public ChildProcess process() {
    return process;
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }
}
