package dev.segmentflow.transcode.flink;

import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.Packaging;
import dev.segmentflow.schemas.events.RenderedSegment;
import dev.segmentflow.schemas.events.SourceSegment;
import dev.segmentflow.schemas.validation.DeadLetters;
import dev.segmentflow.schemas.validation.ReasonCode;
import dev.segmentflow.schemas.validation.Violation;
import dev.segmentflow.transcode.encode.EncoderProbe;
import dev.segmentflow.transcode.encode.SegmentTranscoder;
import dev.segmentflow.transcode.encode.TransientFailure;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.hls.HlsPaths;
import dev.segmentflow.transcode.probe.MediaRejected;
import dev.segmentflow.transcode.store.OriginStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the ladder for each source segment on a small pool of threads per slot (each thread drives
 * one ffmpeg process), uploads the renditions to the origin store and reports what it made. Used
 * through Flink's async I/O, whose capacity bounds the segments in flight and whose checkpoints
 * keep them, so a restore redoes unfinished segments; their keys are deterministic, so a redo
 * overwrites. Every failure of a segment ends as a dead letter with a reason; only an origin store
 * that does not answer at all fails the job (and its restart retries), since that is no segment's
 * fault.
 */
public final class TranscodeFunction extends RichAsyncFunction<SourceSegment, TranscodeOutcome> {
  private static final Logger LOG = LoggerFactory.getLogger(TranscodeFunction.class);

  /** Settings of the operator. {@code encoderPath} null means: probe the machine. */
  public record Config(
      OriginStore.Config store,
      SegmentTranscoder.Settings settings,
      int concurrency,
      int maxAttempts,
      Duration retryBackoff,
      boolean probeGpu)
      implements java.io.Serializable {
    /**
     * Segments in flight per subtask: twice the encoders, so that while one segment encodes the
     * next is downloaded and probed and the last checked and uploaded, and the encoder need not
     * wait for that work between two segments.
     */
    public int inFlight() {
      return 2 * concurrency;
    }

    /**
     * The async operator's own limit: every attempt may first wait for the segment ahead of it to
     * encode, then use the whole ffmpeg limit itself, plus I/O.
     */
    public Duration asyncTimeout() {
      return settings
          .timeout()
          .multipliedBy(2)
          .plus(Duration.ofSeconds(60))
          .multipliedBy(maxAttempts)
          .plus(retryBackoff.multipliedBy(maxAttempts));
    }
  }

  private static volatile EncoderProbe.Detection detected;

  private final Config config;
  private transient ExecutorService pool;
  private transient OriginStore store;
  private transient SegmentTranscoder transcoder;
  private transient Counter rendered;
  private transient Counter failed;
  private transient Counter retried;

  public TranscodeFunction(Config config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext ctx) {
    FfmpegTools tools = FfmpegTools.bundled();
    SegmentTranscoder.Settings settings = config.settings();
    if (config.probeGpu()) {
      settings = settings.withPath(detect(tools).path());
    }
    LOG.info("transcoding on the {} path, {} at a time", settings.path(), config.concurrency());
    // fair: a segment waits for at most one encode ahead of it (see asyncTimeout)
    transcoder = new SegmentTranscoder(tools, settings, new Semaphore(config.concurrency(), true));
    store = OriginStore.open(config.store());
    pool =
        Executors.newFixedThreadPool(
            config.inFlight(),
            r -> {
              Thread t =
                  new Thread(
                      r, "ladder-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
              t.setDaemon(true);
              return t;
            });
    var group = getRuntimeContext().getMetricGroup();
    rendered = group.counter("segmentsRendered");
    failed = group.counter("segmentsDeadLettered");
    retried = group.counter("segmentRetries");
  }

  /** One probe per JVM: every slot of a TaskManager shares the same GPU. */
  public static EncoderProbe.Detection detect(FfmpegTools tools) {
    EncoderProbe.Detection d = detected;
    if (d == null) {
      synchronized (TranscodeFunction.class) {
        if (detected == null) {
          detected = EncoderProbe.detect(tools);
          LOG.info("encoder probe: {}", detected);
        }
        d = detected;
      }
    }
    return d;
  }

  @Override
  public void asyncInvoke(SourceSegment seg, ResultFuture<TranscodeOutcome> result) {
    pool.execute(
        () -> {
          try {
            result.complete(List.of(process(seg)));
          } catch (StoreUnavailable e) {
            // Not this segment's fault: failing the job restarts it from its last checkpoint,
            // which replays the segment once the store answers again.
            result.completeExceptionally(e);
          }
        });
  }

  /** The origin store did not answer at all; no segment should be dead-lettered for that. */
  static final class StoreUnavailable extends RuntimeException {
    StoreUnavailable(String message) {
      super(message);
    }
  }

  /** Whether the store answers a metadata request, whatever the answer. */
  private boolean storeAnswers(String key) {
    try {
      store.exists(key);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void timeout(SourceSegment seg, ResultFuture<TranscodeOutcome> result) {
    failed.inc();
    result.complete(
        List.of(
            TranscodeOutcome.failed(
                seg,
                letter(
                    seg,
                    ReasonCode.TIMEOUT,
                    null,
                    "no result within " + config.asyncTimeout().toSeconds() + " s"))));
  }

  TranscodeOutcome process(SourceSegment seg) {
    if (!HlsPaths.safeName(seg.assetId())) {
      failed.inc();
      return TranscodeOutcome.failed(
          seg,
          letter(
              seg, ReasonCode.OUT_OF_RANGE, "assetId", "not usable as a path: " + seg.assetId()));
    }
    String sourceKey;
    try {
      sourceKey = store.keyOf(seg.uri());
    } catch (IllegalArgumentException e) {
      failed.inc();
      return TranscodeOutcome.failed(
          seg, letter(seg, ReasonCode.OUT_OF_RANGE, "uri", e.getMessage()));
    }
    String lastTransient = "";
    for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
      Path work = null;
      try {
        work = Files.createTempDirectory("segmentflow-ladder-");
        Path local = work.resolve("source.mkv");
        store.download(sourceKey, local);
        List<SegmentTranscoder.Output> outputs =
            transcoder.transcode(seg, local, work.resolve("out"));
        List<RenderedSegment> out = upload(seg, outputs);
        rendered.inc();
        return TranscodeOutcome.done(seg, out);
      } catch (MediaRejected e) {
        failed.inc();
        return TranscodeOutcome.failed(seg, letter(seg, e.reason(), null, e.getMessage()));
      } catch (TransientFailure | IOException | RuntimeException e) {
        if (e instanceof java.io.FileNotFoundException) {
          failed.inc();
          return TranscodeOutcome.failed(
              seg,
              letter(
                  seg,
                  ReasonCode.INCONSISTENT,
                  "uri",
                  "source segment not in the store: " + seg.uri()));
        }
        lastTransient = e.toString();
        LOG.warn("segment {} attempt {} failed: {}", seg.segmentId(), attempt, e.toString());
        if (attempt < config.maxAttempts()) {
          retried.inc();
          sleep(config.retryBackoff().multipliedBy(attempt));
        }
      } finally {
        delete(work);
      }
    }
    if (!storeAnswers(sourceKey)) {
      throw new StoreUnavailable(
          "origin store unavailable after " + config.maxAttempts() + " attempts: " + lastTransient);
    }
    failed.inc();
    return TranscodeOutcome.failed(
        seg,
        letter(
            seg,
            ReasonCode.RETRIES_EXHAUSTED,
            null,
            config.maxAttempts() + " attempts; last: " + lastTransient));
  }

  private List<RenderedSegment> upload(SourceSegment seg, List<SegmentTranscoder.Output> outputs)
      throws IOException {
    List<RenderedSegment> out = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (SegmentTranscoder.Output o : outputs) {
      String rendition = o.rendition().name();
      String key = HlsPaths.segment(seg.assetId(), rendition, seg.sequence(), o.packaging());
      store.put(key, o.media());
      String initUri = null;
      if (o.packaging() == Packaging.FMP4) {
        String initKey = HlsPaths.init(seg.assetId(), rendition);
        store.put(initKey, o.init());
        initUri = store.uri(initKey);
      }
      out.add(
          new RenderedSegment(
              RenderedSegment.VERSION,
              RenderedSegment.idFor(seg.assetId(), rendition, seg.sequence(), o.packaging()),
              seg.assetId(),
              rendition,
              seg.sequence(),
              o.packaging(),
              store.uri(key),
              o.rendition().width(),
              o.rendition().height(),
              Math.max(1, Math.round(o.bytes() * 8 / o.durationSeconds() / 1000)),
              o.durationSeconds(),
              o.bytes(),
              o.encoder(),
              o.encodeMillis(),
              o.psnr(),
              o.ssim(),
              o.codecs(),
              seg.frameRate(),
              initUri,
              seg.live(),
              seg.lastSegment(),
              seg.ingestedAtMillis(),
              now));
    }
    return out;
  }

  static DeadLetter letter(SourceSegment seg, ReasonCode reason, String field, String detail) {
    byte[] payload;
    try {
      payload = Json.MAPPER.writeValueAsBytes(seg);
    } catch (IOException e) {
      payload = seg.segmentId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    return DeadLetters.of(
        Topics.SEGMENTS_SOURCE,
        null,
        null,
        payload,
        new Violation(reason, field, detail),
        System.currentTimeMillis());
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // temp space is reclaimed by the OS eventually
    }
  }

  @Override
  public void close() throws Exception {
    if (pool != null) {
      pool.shutdownNow();
    }
    if (store != null) {
      store.close();
    }
  }
}
