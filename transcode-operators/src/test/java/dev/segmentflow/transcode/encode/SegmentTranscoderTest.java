package dev.segmentflow.transcode.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.segmentflow.schemas.events.Packaging;
import dev.segmentflow.schemas.events.SourceSegment;
import dev.segmentflow.schemas.validation.ReasonCode;
import dev.segmentflow.transcode.ffmpeg.ChildRun;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.hls.MediaPlaylist;
import dev.segmentflow.transcode.hls.PlaylistEntry;
import dev.segmentflow.transcode.hls.PlaylistRules;
import dev.segmentflow.transcode.ingest.SampleMedia;
import dev.segmentflow.transcode.ingest.SourceSplitter;
import dev.segmentflow.transcode.ladder.LadderTemplate;
import dev.segmentflow.transcode.probe.MediaProber;
import dev.segmentflow.transcode.probe.MediaRejected;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real ffmpeg on real and synthetic video: split, ladder, verify, package, play back. */
class SegmentTranscoderTest {
  private static final FfmpegTools TOOLS = FfmpegTools.bundled();
  private static final LadderTemplate SMALL =
      LadderTemplate.standard().only(List.of("360p", "240p"));

  @TempDir static Path dir;
  static Path clip;
  static SourceSplitter.Result split;

  @BeforeAll
  static void splitTheSyntheticClip() throws Exception {
    clip = SampleMedia.synthetic(dir.resolve("clip.mp4"), 12, 640, 360, 24, true);
    split =
        new SourceSplitter(TOOLS, Duration.ofMinutes(1))
            .split(clip, 6, dir.resolve("src"), s -> {});
  }

  private static SourceSegment event(SourceSplitter.Piece p) {
    return split.event(p, "clip", p.file().toUri().toString(), false, 0);
  }

  private static SegmentTranscoder transcoder(Duration timeout) {
    return new SegmentTranscoder(
        TOOLS,
        SegmentTranscoder.Settings.defaults()
            .withTemplate(SMALL)
            .withPreset("ultrafast")
            .withTimeout(timeout)
            .withQualityEvery(1));
  }

  @Test
  void splitsByStreamCopyAtKeyframesWhenTheGopAllows() {
    assertThat(split.reencoded()).isFalse();
    assertThat(split.pieces()).hasSize(2);
    assertThat(split.pieces().get(0).durationSeconds())
        .isCloseTo(6.0, org.assertj.core.data.Offset.offset(0.05));
    assertThat(split.pieces().get(1).startSeconds())
        .isCloseTo(6.0, org.assertj.core.data.Offset.offset(0.05));
  }

  @Test
  void reencodesWhenKeyframesAreTooFarApart() throws Exception {
    // a single keyframe in 14 s cannot be cut into 6 s pieces by stream copy
    Path sparse = dir.resolve("sparse.mp4");
    ChildRun.Result r =
        TOOLS.ffmpeg(
            List.of(
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=320x240:rate=10",
                "-t",
                "14",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-g",
                "1000",
                "-pix_fmt",
                "yuv420p",
                sparse.toString()),
            Duration.ofMinutes(1));
    assertThat(r.ok()).isTrue();
    var res =
        new SourceSplitter(TOOLS, Duration.ofMinutes(1))
            .split(sparse, 6, dir.resolve("sparse"), s -> {});
    assertThat(res.reencoded()).isTrue();
    assertThat(res.why()).startsWith("keyframes too sparse");
    // the 2 s remainder is under half a segment: it joins the last one, as a stream copy's would
    assertThat(res.pieces())
        .extracting(SourceSplitter.Piece::durationSeconds)
        .containsExactly(6.0, 8.0);
  }

  @Test
  void moreThreadsThanEncodersRunOneLadderAtATime() throws Exception {
    AtomicInteger encoding = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    Semaphore oneEncoder =
        new Semaphore(1) {
          @Override
          public void acquire() throws InterruptedException {
            super.acquire();
            most.accumulateAndGet(encoding.incrementAndGet(), Math::max);
          }

          @Override
          public void release() {
            encoding.decrementAndGet();
            super.release();
          }
        };
    SegmentTranscoder t =
        new SegmentTranscoder(
            TOOLS,
            SegmentTranscoder.Settings.defaults()
                .withTemplate(SMALL)
                .withPreset("ultrafast")
                .withQualityEvery(0),
            oneEncoder);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<SegmentTranscoder.Output>>> runs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        SourceSplitter.Piece p = split.pieces().get(i % split.pieces().size());
        Path work = dir.resolve("gated" + i);
        runs.add(threads.submit(() -> t.transcode(event(p), p.file(), work)));
      }
      for (Future<List<SegmentTranscoder.Output>> run : runs) {
        assertThat(run.get()).hasSize(4);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(most.get()).isEqualTo(1);
    assertThat(oneEncoder.availablePermits()).isEqualTo(1);
  }

  @Test
  void producesAVerifiedLadderThatPlaysAsOneTimeline() throws Exception {
    SegmentTranscoder t = transcoder(Duration.ofMinutes(2));
    int n = split.pieces().size();
    Path hls = dir.resolve("hls");
    Files.createDirectories(hls);
    List<PlaylistEntry> ts = new ArrayList<>();
    List<PlaylistEntry> fmp4 = new ArrayList<>();
    List<byte[]> inits = new ArrayList<>();
    for (SourceSplitter.Piece p : split.pieces()) {
      SourceSegment seg = event(p);
      List<SegmentTranscoder.Output> out =
          t.transcode(seg, p.file(), dir.resolve("work" + p.sequence()));
      assertThat(out).hasSize(4); // 2 rungs x 2 packagings
      for (SegmentTranscoder.Output o : out) {
        assertThat(o.encoder()).isEqualTo("libx264");
        assertThat(o.psnr()).isBetween(20.0, 100.0);
        assertThat(o.ssim()).isBetween(0.5, 1.0);
        if (!o.rendition().name().equals("360p")) {
          continue;
        }
        // what x264 wrote in avcC (ultrafast may signal constrained baseline), level 3.0, AAC-LC
        assertThat(o.codecs()).matches("avc1\\.(42c0|4d40|6400)1e,mp4a\\.40\\.2");
        String name = String.format("%06d", p.sequence());
        if (o.packaging() == Packaging.TS) {
          Files.copy(o.media(), hls.resolve(name + ".ts"));
          ts.add(entry(seg, o));
        } else {
          Files.copy(o.media(), hls.resolve(name + ".m4s"));
          inits.add(Files.readAllBytes(o.init()));
          fmp4.add(entry(seg, o));
        }
      }
    }
    // bit-exact encoding: every segment's init segment is the same, so one EXT-X-MAP serves all
    assertThat(inits.get(1)).isEqualTo(inits.get(0));
    Files.write(hls.resolve("init.mp4"), inits.get(0));
    String tsText = MediaPlaylist.render(ts, 30, 0).text();
    String fmp4Text = MediaPlaylist.render(fmp4, 30, 0).text();
    assertThat(PlaylistRules.media(tsText)).isEmpty();
    assertThat(PlaylistRules.media(fmp4Text)).isEmpty();
    Files.writeString(hls.resolve("index.m3u8"), tsText);
    Files.writeString(hls.resolve("index-fmp4.m3u8"), fmp4Text);

    int sourceFrames = new MediaProber(TOOLS, Duration.ofMinutes(1)).videoPackets(clip).size();
    for (String playlist : List.of("index.m3u8", "index-fmp4.m3u8")) {
      Decoded d = decode(hls.resolve(playlist));
      assertThat(d.errors()).as(playlist).isEmpty();
      // every frame of the source, once: the segments join without gap or overlap
      assertThat(d.frames()).as(playlist).isEqualTo(sourceFrames);
    }
  }

  private static PlaylistEntry entry(SourceSegment seg, SegmentTranscoder.Output o) {
    return new PlaylistEntry(
        seg.assetId(),
        o.rendition().name(),
        o.packaging(),
        seg.sequence(),
        o.durationSeconds(),
        o.bytes(),
        o.rendition().width(),
        o.rendition().height(),
        seg.frameRate(),
        o.codecs(),
        false,
        seg.lastSegment(),
        false,
        0);
  }

  record Decoded(int frames, String errors) {}

  /** Decodes every frame with ffmpeg and counts them; any decoder complaint is an error. */
  static Decoded decode(Path playlist) {
    ChildRun.Result r =
        TOOLS.ffmpeg(
            List.of("-i", playlist.toString(), "-map", "0:v:0", "-f", "framemd5", "-"),
            Duration.ofMinutes(2));
    int frames = (int) r.stdout().lines().filter(l -> !l.startsWith("#")).count();
    return new Decoded(
        frames, r.ok() ? r.stderr().strip() : "exit " + r.exitCode() + ": " + r.stderr());
  }

  @Test
  void badMediaIsRejectedWithAReasonWithinTheLimit() throws Exception {
    SegmentTranscoder t = transcoder(Duration.ofSeconds(30));
    SourceSegment seg = event(split.pieces().get(0));
    byte[] real = Files.readAllBytes(split.pieces().get(0).file());
    byte[] random = new byte[200_000];
    new Random(7).nextBytes(random);
    Path audioOnly = SampleMedia.tone(dir.resolve("tone.m4a"), 3);
    Path image = SampleMedia.still(dir.resolve("still.png"));

    var cases = new java.util.LinkedHashMap<String, Path>();
    cases.put("zero bytes", write("empty.mkv", new byte[0]));
    cases.put("random bytes", write("random.mkv", random));
    cases.put("truncated", write("truncated.mkv", java.util.Arrays.copyOf(real, real.length / 3)));
    cases.put("audio only", audioOnly);
    cases.put("image", image);
    cases.put(
        "text",
        write(
            "notes.mkv",
            "just some text, not a video\n".repeat(100).getBytes(StandardCharsets.UTF_8)));
    for (var c : cases.entrySet()) {
      long start = System.nanoTime();
      MediaRejected e =
          catchThrowableOfType(
              () ->
                  t.transcode(
                      seg, c.getValue(), dir.resolve("bad-" + c.getKey().replace(' ', '-'))),
              MediaRejected.class);
      assertThat(e).as(c.getKey()).isNotNull();
      assertThat(e.reason()).as(c.getKey()).isEqualTo(ReasonCode.UNDECODABLE_MEDIA);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as(c.getKey())
          .isLessThan(Duration.ofSeconds(30));
    }
  }

  @Test
  void aLadderThatRunsPastItsLimitIsKilledAndReportedAsTimeout() {
    SegmentTranscoder t =
        new SegmentTranscoder(
            TOOLS,
            SegmentTranscoder.Settings.defaults()
                .withTemplate(SMALL)
                .withPreset("veryslow")
                .withTimeout(Duration.ofMillis(1500))
                .withQualityEvery(0));
    SourceSplitter.Piece p = split.pieces().get(0);
    long start = System.nanoTime();
    assertThatThrownBy(() -> t.transcode(event(p), p.file(), dir.resolve("slow")))
        .isInstanceOf(MediaRejected.class)
        .satisfies(e -> assertThat(((MediaRejected) e).reason()).isEqualTo(ReasonCode.TIMEOUT));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
  }

  private static Path write(String name, byte[] bytes) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }
}
