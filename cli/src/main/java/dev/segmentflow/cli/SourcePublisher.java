package dev.segmentflow.cli;

import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.events.SourceSegment;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.ingest.SourceIngest;
import dev.segmentflow.transcode.ingest.SourceSplitter;
import dev.segmentflow.transcode.store.OriginStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What {@code segmentflow ingest} does, for the command and for each of the demo's titles: split a
 * source file into keyframe-aligned segments in the origin store and publish one {@code
 * segments.source} event per segment (idempotent, acknowledged by all replicas).
 */
final class SourcePublisher implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final SourceIngest ingest;
  private final Path work;

  SourcePublisher(String brokers, OriginStore store, Duration splitTimeout) throws IOException {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    this.ingest =
        new SourceIngest(
            new SourceSplitter(FfmpegTools.bundled(), splitTimeout),
            store,
            System::currentTimeMillis,
            SourceIngest.Pacer.REAL);
    this.work = Files.createTempDirectory("segmentflow-ingest-");
  }

  /**
   * Splits and publishes one file. A live asset's segments are published at real-time pace, each
   * flushed as it goes out, as a live encoder's would be.
   */
  List<SourceSegment> ingest(
      Path file,
      String asset,
      boolean live,
      double segmentSeconds,
      String topic,
      Consumer<String> progress)
      throws Exception {
    return ingest.ingest(
        file,
        asset,
        live,
        segmentSeconds,
        work.resolve(asset),
        e -> {
          publish(topic, e.assetId(), e);
          if (live) {
            producer.flush();
          }
        },
        progress);
  }

  /** One more record as JSON, such as the title's catalogue entry. */
  void publish(String topic, String key, Object record) {
    producer.send(new ProducerRecord<>(topic, key, Json.bytes(record)));
  }

  @Override
  public void close() {
    try {
      producer.flush();
    } finally {
      producer.close();
      try (var files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
