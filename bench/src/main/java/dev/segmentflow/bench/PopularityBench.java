package dev.segmentflow.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.segmentflow.cache.policy.TraceRequest;
import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.popularity.PopularityLoop;
import dev.segmentflow.cache.popularity.PopularityRow;
import dev.segmentflow.cache.workload.TraceEvents;
import dev.segmentflow.cache.workload.VideoWorkload;
import dev.segmentflow.jobs.PopularityJob;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics.TopicSpec;
import dev.segmentflow.schemas.events.Directive;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.flink.EventTimeOptions;
import dev.segmentflow.schemas.flink.KafkaEndpoints;
import dev.segmentflow.schemas.flink.RecordTime;
import dev.segmentflow.schemas.kafka.TopicCreator;
import dev.segmentflow.schemas.validation.EventValidator;
import dev.segmentflow.schemas.validation.Validation;
import dev.segmentflow.testkit.FlinkMiniCluster;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Events per CPU-second of the PopularityJob on a MiniCluster (Kafka in, RocksDB state, directives
 * out to Kafka exactly-once) against the same computation as one plain Java loop (parse, validate,
 * {@link PopularityLoop}, serialise directives). CPU time is this JVM's: the broker runs in its own
 * process and is not counted. The ClickHouse-bound outputs are discarded in both.
 *
 * <p>Arguments: [hours of trace] [titles] [sessions per day].
 */
public final class PopularityBench {
  public static void main(String[] args) throws Exception {
    int hours = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    int titles = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    int perDay = args.length > 2 ? Integer.parseInt(args[2]) : 8000;
    PopularityConfig config =
        PopularityConfig.defaults()
            .withHalfLife(Duration.ofMinutes(30))
            .withFastHalfLife(Duration.ofMinutes(10))
            .withThresholdScale(perDay / 24.0 / 3 / 100_000);

    progress("[1/4] generating %d h of viewing: %d titles, %d sessions/day", hours, titles, perDay);
    VideoWorkload workload =
        new VideoWorkload(VideoWorkload.Spec.standard(5).sized(titles, perDay));
    long base = System.currentTimeMillis() - 72 * 3_600_000L;
    List<byte[]> input = new ArrayList<>();
    for (TraceRequest r : workload.generate()) {
      if (r.timeMillis() >= hours * 3_600_000L) {
        break;
      }
      EdgeRequest e = TraceEvents.edgeRequest(r, base);
      input.add(Json.string(e).getBytes(StandardCharsets.UTF_8));
    }
    progress("      %d edge requests", input.size());

    progress("[2/4] plain Java loop");
    long[] loopDirectives = new long[1];
    long loopCpu = cpuNanos();
    long loopWall = System.nanoTime();
    EventValidator<EdgeRequest> validator = EventValidator.of(EdgeRequest.class);
    PopularityLoop loop =
        new PopularityLoop(
            config,
            new PopularityLoop.Output() {
              @Override
              public void directive(Directive d) {
                loopDirectives[0]++;
                Json.string(d);
              }

              @Override
              public void row(PopularityRow row) {}
            });
    for (byte[] raw : input) {
      if (validator.validate(raw) instanceof Validation.Valid<EdgeRequest> v) {
        EdgeRequest e = v.value();
        loop.segmentRequest(
            e.region(),
            e.assetId(),
            e.rendition(),
            e.segmentSequence(),
            e.bytes(),
            e.requestTimeMillis());
      }
    }
    loop.drain();
    loopCpu = cpuNanos() - loopCpu;
    loopWall = System.nanoTime() - loopWall;
    progress("      %d directives, %.1f s CPU", loopDirectives[0], loopCpu / 1e9);

    Path dir = Files.createTempDirectory("popularity-bench");
    try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"));
        FlinkMiniCluster flink = FlinkMiniCluster.start()) {
      progress("[3/4] producing into Kafka at %s", kafka.bootstrapServers());
      String in = "bench.edge.requests";
      String viewer = "bench.viewer.events";
      TopicCreator.ensure(
          kafka.bootstrapServers(),
          List.of(
              new TopicSpec(in, 1, Duration.ofDays(7), "delete", "sessionId"),
              new TopicSpec(viewer, 1, Duration.ofDays(7), "delete", "sessionId"),
              new TopicSpec("bench.directives", 1, Duration.ofDays(7), "delete", "asset"),
              new TopicSpec("bench.dlq", 1, Duration.ofDays(7), "delete", "topic")),
          (short) 1);
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
        for (byte[] raw : input) {
          producer.send(new ProducerRecord<>(in, raw));
        }
      }

      progress("[4/4] PopularityJob on the MiniCluster (parallelism 1, RocksDB)");
      StreamExecutionEnvironment env = flink.environment(1);
      env.configure(PopularityJob.rocksDb());
      env.enableCheckpointing(5_000);
      String brokers = kafka.bootstrapServers();
      EventTimeOptions time = EventTimeOptions.defaults();
      PopularityJob.build(
          env,
          RecordTime.EDGE_REQUEST.from(
              env, KafkaEndpoints.rawSource(brokers, in, "bench", true), time, in),
          RecordTime.VIEWER_EVENT.from(
              env, KafkaEndpoints.rawSource(brokers, viewer, "bench", true), time, viewer),
          config,
          new PopularityJob.Sinks(
              KafkaEndpoints.jsonSink(
                  brokers, "bench.directives", (Directive d) -> d.assetId(), "bench-directives"),
              new DiscardingSink<>(),
              new DiscardingSink<>(),
              KafkaEndpoints.jsonSink(brokers, "bench.dlq", d -> "dlq", "bench-dlq"),
              new DiscardingSink<>()));
      long jobCpu = cpuNanos();
      long jobWall = System.nanoTime();
      env.execute("popularity-bench");
      jobCpu = cpuNanos() - jobCpu;
      jobWall = System.nanoTime() - jobWall;

      double loopEps = input.size() / (loopCpu / 1e9);
      double jobEps = input.size() / (jobCpu / 1e9);
      System.out.printf(
          Locale.ROOT,
          "events=%d loop_cpu_s=%.2f loop_wall_s=%.2f job_cpu_s=%.2f job_wall_s=%.2f%n",
          input.size(),
          loopCpu / 1e9,
          loopWall / 1e9,
          jobCpu / 1e9,
          jobWall / 1e9);
      System.out.printf(Locale.ROOT, "loop_eps_per_core=%.0f%n", loopEps);
      System.out.printf(
          Locale.ROOT, "ratio=%.3f job_eps_per_core=%.0f%n", jobEps / loopEps, jobEps);
    }
  }

  private static long cpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void progress(String format, Object... args) {
    System.err.println(String.format(Locale.ROOT, format, args));
  }

  private PopularityBench() {}
}
