package dev.segmentflow.bench;

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
import dev.segmentflow.testkit.CollectingSink;
import dev.segmentflow.testkit.FlinkMiniCluster;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.core.execution.JobClient;
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
  private static final int PARTITIONS = 4;
  private static final AtomicInteger RUNS = new AtomicInteger();

  public static void main(String[] args) throws Exception {
    int hours = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int titles = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    int perDay = args.length > 2 ? Integer.parseInt(args[2]) : 40_000;
    PopularityConfig config =
        PopularityConfig.defaults()
            .withHalfLife(Duration.ofMinutes(30))
            .withFastHalfLife(Duration.ofMinutes(10))
            .withThresholdScale(perDay / 24.0 / 3 / 100_000);

    progress("[1/5] generating %d h of viewing: %d titles, %d sessions/day", hours, titles, perDay);
    VideoWorkload workload =
        new VideoWorkload(VideoWorkload.Spec.standard(5).sized(titles, perDay).lasting(1));
    long base = System.currentTimeMillis() - 72 * 3_600_000L;
    List<byte[]> input = new ArrayList<>();
    List<byte[]> sessions = new ArrayList<>();
    // What is still warm at the end: served within the last half-life.
    Set<String> activeSegments = new HashSet<>();
    Set<String> activeTitles = new HashSet<>();
    long end = hours * 3_600_000L;
    for (TraceRequest r : workload.generate()) {
      if (r.timeMillis() >= end) {
        break;
      }
      EdgeRequest e = TraceEvents.edgeRequest(r, base);
      input.add(Json.string(e).getBytes(StandardCharsets.UTF_8));
      sessions.add(r.sessionId().getBytes(StandardCharsets.UTF_8));
      if (r.timeMillis() >= end - config.halfLifeMillis()) {
        activeSegments.add(r.region() + "/" + r.key());
        activeTitles.add(r.region() + "/" + r.assetId());
      }
    }
    progress("      %d edge requests", input.size());

    progress("[2/5] plain Java loop (a warm-up pass, then the measured one)");
    runLoop(input, config);
    long loopJit = jitMillis();
    long loopCpu = JvmCpu.nanos();
    long loopWall = System.nanoTime();
    long loopDirectives = runLoop(input, config);
    loopCpu = JvmCpu.nanos() - loopCpu;
    loopWall = System.nanoTime() - loopWall;
    loopJit = jitMillis() - loopJit;
    progress("      %d directives, %.1f s CPU", loopDirectives, loopCpu / 1e9);

    Path dir = Files.createTempDirectory("popularity-bench");
    try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"));
        FlinkMiniCluster flink = FlinkMiniCluster.start()) {
      progress(
          "[3/5] producing into Kafka at %s (%d partitions)", kafka.bootstrapServers(), PARTITIONS);
      String in = "bench.edge.requests";
      String viewer = "bench.viewer.events";
      TopicCreator.ensure(
          kafka.bootstrapServers(),
          List.of(
              new TopicSpec(in, PARTITIONS, Duration.ofDays(7), "delete", "sessionId"),
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
        for (int i = 0; i < input.size(); i++) {
          // Keyed by session as the edge keys its log: a session's requests stay in order.
          producer.send(new ProducerRecord<>(in, sessions.get(i), input.get(i)));
        }
      }

      // The first run warms the JIT up for both measured ones, as the loop's first pass does.
      runJob(flink, kafka.bootstrapServers(), in, viewer, config, 1, "[4/5] warm-up:", false);
      runJob(flink, kafka.bootstrapServers(), in, viewer, config, 2, "[4/5] warm-up:", false);
      JobRun one = runJob(flink, kafka.bootstrapServers(), in, viewer, config, 1, "[4/5]", true);
      JobRun two = runJob(flink, kafka.bootstrapServers(), in, viewer, config, 2, "[5/5]", false);
      if (one.directives != loopDirectives || two.directives != loopDirectives) {
        throw new IllegalStateException(
            "the job's directives differ from the loop's: loop "
                + loopDirectives
                + ", 1 slot "
                + one.directives
                + ", 2 slots "
                + two.directives);
      }

      double loopEps = input.size() / (loopCpu / 1e9);
      double jobEps = input.size() / (one.cpuNanos / 1e9);
      System.out.printf(
          Locale.ROOT,
          "events=%d active_titles=%d active_segments=%d loop_cpu_s=%.2f loop_jit_s=%.2f"
              + " loop_wall_s=%.2f%n",
          input.size(),
          activeTitles.size(),
          activeSegments.size(),
          loopCpu / 1e9,
          loopJit / 1e3,
          loopWall / 1e9);
      for (JobRun run : List.of(one, two)) {
        System.out.printf(
            Locale.ROOT,
            "slots=%d cpu_s=%.2f jit_s=%.2f cores=%.2f wall_s=%.2f eps=%.0f directives=%d"
                + " checkpoints=%d"
                + " checkpoint_bytes_max=%d checkpoint_bytes_per_active_segment=%.1f"
                + " checkpoint_ms_p95=%d%n",
            run.slots,
            run.cpuNanos / 1e9,
            run.jitMillis / 1e3,
            (double) run.cpuNanos / run.wallNanos,
            run.wallNanos / 1e9,
            input.size() / (run.wallNanos / 1e9),
            run.directives,
            run.checkpoints.count(),
            run.checkpoints.maxStateBytes(),
            (double) run.checkpoints.maxStateBytes() / Math.max(1, activeSegments.size()),
            run.checkpoints.p95DurationMillis());
      }
      // The job's short runs still compile (see jit_s): the same figures without the JIT
      // compiler's time, on both sides, estimate a long-running job. The last line stays raw.
      double loopSteady = input.size() / ((loopCpu - loopJit * 1_000_000) / 1e9);
      double jobSteady = input.size() / ((one.cpuNanos - one.jitMillis * 1_000_000) / 1e9);
      System.out.printf(
          Locale.ROOT,
          "without_jit: ratio=%.3f job_eps_per_core=%.0f loop_eps_per_core=%.0f%n",
          jobSteady / loopSteady,
          jobSteady,
          loopSteady);
      System.out.printf(Locale.ROOT, "loop_eps_per_core=%.0f%n", loopEps);
      System.out.printf(
          Locale.ROOT,
          "ratio=%.3f job_eps_per_core=%.0f scale2=%.2f%n",
          jobEps / loopEps,
          jobEps,
          (double) one.wallNanos / two.wallNanos);
    }
  }

  /** Parse and validate each record, the job's computation in one loop, serialise directives. */
  private static long runLoop(List<byte[]> input, PopularityConfig config) {
    long[] directives = new long[1];
    EventValidator<EdgeRequest> validator = EventValidator.of(EdgeRequest.class);
    PopularityLoop loop =
        new PopularityLoop(
            config,
            new PopularityLoop.Output() {
              @Override
              public void directive(Directive d) {
                directives[0]++;
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
    return directives[0];
  }

  /** One run of the job over the whole topic, from the earliest offset. */
  record JobRun(
      int slots,
      long cpuNanos,
      long jitMillis,
      long wallNanos,
      long directives,
      CheckpointFigures checkpoints) {}

  private static JobRun runJob(
      FlinkMiniCluster flink,
      String brokers,
      String in,
      String viewer,
      PopularityConfig config,
      int slots,
      String stage,
      boolean profiled)
      throws Exception {
    progress(
        "%s PopularityJob on the MiniCluster (%d slot%s, RocksDB, incremental checkpoints every 5 s)",
        stage, slots, slots == 1 ? "" : "s");
    StreamExecutionEnvironment env = flink.environment(slots);
    env.configure(PopularityJob.rocksDb());
    env.enableCheckpointing(5_000);
    EventTimeOptions time = EventTimeOptions.defaults();
    String group = "bench-" + RUNS.incrementAndGet(); // a fresh group reads from the start
    CollectingSink<Directive> directives = new CollectingSink<>();
    PopularityJob.build(
        env,
        RecordTime.EDGE_REQUEST.from(
            env, KafkaEndpoints.rawSource(brokers, in, group, true), time, in),
        RecordTime.VIEWER_EVENT.from(
            env, KafkaEndpoints.rawSource(brokers, viewer, group, true), time, viewer),
        config,
        new PopularityJob.Sinks(
            KafkaEndpoints.jsonSink(
                brokers,
                "bench.directives",
                (Directive d) -> d.assetId(),
                "bench-directives-" + slots),
            directives,
            new DiscardingSink<>(),
            KafkaEndpoints.jsonSink(brokers, "bench.dlq", d -> "dlq", "bench-dlq-" + slots),
            new DiscardingSink<>()));
    long jit = jitMillis();
    long cpu = JvmCpu.nanos();
    long wall = System.nanoTime();
    JobClient job;
    try (CpuProfile profile = profiled ? CpuProfile.start() : null) {
      job = env.executeAsync("popularity-bench-" + slots);
      job.getJobExecutionResult().get();
    }
    cpu = JvmCpu.nanos() - cpu;
    wall = System.nanoTime() - wall;
    jit = jitMillis() - jit;
    CheckpointFigures checkpoints =
        CheckpointFigures.of(flink.miniCluster().getRestAddress().get(), job.getJobID());
    progress(
        "      %.1f s CPU, %.1f s wall, %d checkpoints",
        cpu / 1e9, wall / 1e9, checkpoints.count());
    return new JobRun(slots, cpu, jit, wall, directives.values().size(), checkpoints);
  }

  /** Time the JIT compiler threads have spent so far (they run beside the measured work). */
  private static long jitMillis() {
    return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  private static void progress(String format, Object... args) {
    System.err.println(String.format(Locale.ROOT, format, args));
  }

  private PopularityBench() {}
}
