package dev.segmentflow.cli;

import dev.segmentflow.localservices.Infra;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.events.SourceSegment;
import dev.segmentflow.transcode.store.OriginStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code segmentflow ingest <file> --asset ID [--live]}. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Split a video into source segments (stream copy at its keyframes when its timing can be",
      "trusted, else one re-encode to constant rate, upright, square pixels), store them in the",
      "origin store and publish one segments.source event per segment. With --live, segments are",
      "published at real-time pace."
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
    List<SourceSegment> events;
    try (OriginStore originStore = OriginStore.open(store);
        SourcePublisher publisher =
            new SourcePublisher(brokers, originStore, Duration.ofMinutes(30))) {
      events = publisher.ingest(file, asset, live, segmentSeconds, topic, System.out::println);
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
