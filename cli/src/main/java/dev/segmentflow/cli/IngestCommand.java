package dev.segmentflow.cli;

import dev.segmentflow.localservices.Infra;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.events.SourceSegment;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.ingest.SourceIngest;
import dev.segmentflow.transcode.ingest.SourceSplitter;
import dev.segmentflow.transcode.store.OriginStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code segmentflow ingest <file> --asset ID [--live]}. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Split a video into keyframe-aligned source segments (stream copy; re-encoded only when its",
      "keyframes are too far apart), store them in the origin store and publish one",
      "segments.source event per segment. With --live, segments are published at real-time pace."
    })
final class IngestCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "the source video file")
  Path file;

  @Option(names = "--asset", required = true, description = "asset id (letters, digits, . _ -)")
  String asset;

  @Option(names = "--live", description = "publish each segment when a live encoder would")
  boolean live;

  @Option(
      names = "--segment-seconds",
      description = "target segment length (default: ${DEFAULT-VALUE})")
  double segmentSeconds = 6.0;

  @Option(
      names = "--bootstrap-servers",
      description = "Kafka; default: the broker of 'segmentflow infra up' under --dir")
  String bootstrapServers;

  @Mixin OriginOptions originOptions = new OriginOptions();

  @Option(names = "--topic", description = "where the events go (default: ${DEFAULT-VALUE})")
  String topic = Topics.SEGMENTS_SOURCE;

  @Option(names = "--dir", description = "the infrastructure folder (default: ${DEFAULT-VALUE})")
  Path dir = Path.of(".segmentflow");

  @Override
  public Integer call() throws Exception {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("cannot read " + file);
    }
    String brokers = bootstrapServers;
    if (brokers == null) {
      brokers =
          Infra.read(dir)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "no --bootstrap-servers and no 'segmentflow infra up' state under "
                              + dir))
              .kafkaBootstrap();
    }
    OriginStore.Config store = originOptions.config(dir);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    Path work = Files.createTempDirectory("segmentflow-ingest-");
    List<SourceSegment> events;
    try (OriginStore originStore = OriginStore.open(store);
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      var ingest =
          new SourceIngest(
              new SourceSplitter(FfmpegTools.bundled(), Duration.ofMinutes(30)),
              originStore,
              System::currentTimeMillis,
              SourceIngest.Pacer.REAL);
      events =
          ingest.ingest(
              file,
              asset,
              live,
              segmentSeconds,
              work,
              e -> {
                try {
                  producer.send(
                      new ProducerRecord<>(topic, e.assetId(), Json.MAPPER.writeValueAsBytes(e)));
                  if (live) {
                    producer.flush();
                  }
                } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                  throw new IllegalStateException(ex);
                }
              },
              System.out::println);
      producer.flush();
    } finally {
      try (var s = Files.walk(work)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
      }
    }
    System.out.printf(
        "ingested %s as %s: %d segments, %.1f s, into %s and %s%n",
        file,
        asset,
        events.size(),
        events.stream().mapToDouble(SourceSegment::durationSeconds).sum(),
        store.baseUri(),
        topic);
    return 0;
  }
}
