package dev.segmentflow.schemas.flink;

import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/** Kafka sources and sinks as every job builds them: raw bytes in, JSON out, exactly-once. */
public final class KafkaEndpoints {
  /** Above any checkpoint interval we use, below the broker's transaction.max.timeout.ms. */
  public static final String TRANSACTION_TIMEOUT_MS = "900000";

  private KafkaEndpoints() {}

  /**
   * Raw records from a topic, from the committed group offsets (earliest on first start). A bounded
   * source stops at the offsets that were latest when the job started: for tests, backfills, demos.
   */
  public static KafkaSource<RawRecord> rawSource(
      String bootstrapServers, String topic, String groupId, boolean bounded) {
    var builder =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(bootstrapServers)
            .setTopics(topic)
            .setGroupId(groupId)
            .setStartingOffsets(
                OffsetsInitializer.committedOffsets(
                    org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST))
            .setDeserializer(new RawRecordDeserializer())
            .setProperty("isolation.level", "read_committed")
            // A backlog (catch-up, restore) comes in fewer, larger fetches and reaches the task
            // in larger hand-overs: less broker and task CPU per record (bench/sink).
            .setProperty("max.partition.fetch.bytes", String.valueOf(8 << 20))
            .setProperty("max.poll.records", "5000")
            .setProperty("partition.discovery.interval.ms", "60000");
    if (bounded) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  /**
   * A JSON sink to one topic. With a transactional id prefix it is exactly-once (records become
   * visible to read_committed consumers when a checkpoint completes); without, at-least-once.
   */
  public static <T> KafkaSink<T> jsonSink(
      String bootstrapServers,
      String topic,
      JsonRecordSerializer.KeyOf<T> keyOf,
      String transactionalIdPrefix) {
    Properties producer = new Properties();
    producer.setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
    producer.setProperty("compression.type", "lz4");
    var builder =
        KafkaSink.<T>builder()
            .setBootstrapServers(bootstrapServers)
            .setKafkaProducerConfig(producer)
            .setRecordSerializer(new JsonRecordSerializer<>(topic, keyOf));
    if (transactionalIdPrefix != null) {
      builder
          .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
          .setTransactionalIdPrefix(transactionalIdPrefix);
    } else {
      builder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
    }
    return builder.build();
  }
}
