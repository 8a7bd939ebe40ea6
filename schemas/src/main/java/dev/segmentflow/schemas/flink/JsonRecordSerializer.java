package dev.segmentflow.schemas.flink;

import dev.segmentflow.schemas.Json;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.Function;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes a record as JSON to a fixed topic, keyed by the catalogue's key for that topic. */
public final class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {

  /** Picks the Kafka key of a record; serialisable so that Flink can ship it. */
  @FunctionalInterface
  public interface KeyOf<T> extends Function {
    String key(T value);
  }

  private final String topic;
  private final KeyOf<T> keyOf;

  public JsonRecordSerializer(String topic, KeyOf<T> keyOf) {
    this.topic = topic;
    this.keyOf = keyOf;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(T value, KafkaSinkContext ctx, Long timestamp) {
    String key = keyOf.key(value);
    return new ProducerRecord<>(
        topic,
        null,
        timestamp,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        Json.bytes(value));
  }
}
