package dev.segmentflow.transcode.ingest;

import dev.segmentflow.transcode.ffmpeg.ChildRun;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Source files of the kinds users upload, made on the spot by the bundled ffmpeg (nothing large is
 * committed): many codecs, frame rates, containers, geometries and audio layouts, the timing traps
 * (B-frames in AVI, edit lists, rotation, a 33-bit PTS wrap, variable frame rate, sparse keyframes)
 * and inputs that must be refused. Each variant says what a correct ingest and transcode yields.
 */
public final class ConformanceCorpus {
  /** What should come out of one variant. */
  public enum Outcome {
    /** A playable ladder. */
    PLAYS,
    /** Refused at ingest with a precise reason. */
    REFUSED,
    /** A playable ladder except the segments the damage hit, each dead-lettered. */
    PLAYS_EXCEPT_DAMAGE
  }

  /**
   * One corpus file.
   *
   * @param displayAspect the picture's width over height as a player shows it (0 when refused)
   * @param audio whether the renditions carry audio
   * @param refusal for a refused variant, a phrase its reason must contain
   */
  public record Variant(
      String name,
      String file,
      String description,
      Outcome outcome,
      double displayAspect,
      boolean audio,
      String refusal,
      List<List<String>> steps) {}

  private static final double SECONDS = 9.0;

  private ConformanceCorpus() {}

  /** Every variant, in a fixed order. */
  public static List<Variant> variants() {
    List<Variant> v = new ArrayList<>();
    // video codecs
    v.add(
        plays(
            "h264-baseline",
            "mp4",
            "H.264 baseline, 25 fps, AAC, MP4",
            4.0 / 3,
            true,
            video(320, 240, "25", SECONDS),
            tone(SECONDS),
            List.of("-c:v", "libx264", "-profile:v", "baseline", "-g", "50", "-pix_fmt", "yuv420p"),
            aac()));
    v.add(
        plays(
            "h264-high-bframes",
            "mkv",
            "H.264 high with 3 B-frames, 23.976 fps, AAC, Matroska",
            4.0 / 3,
            true,
            video(320, 240, "24000/1001", SECONDS),
            tone(SECONDS),
            List.of("-c:v", "libx264", "-profile:v", "high", "-bf", "3", "-g", "48"),
            aac()));
    v.add(
        plays(
            "h264-open-gop",
            "ts",
            "H.264 with open GOPs, 29.97 fps, AAC, MPEG-TS",
            4.0 / 3,
            true,
            video(320, 240, "30000/1001", SECONDS),
            tone(SECONDS),
            List.of("-c:v", "libx264", "-x264-params", "open-gop=1:keyint=60:min-keyint=60"),
            aac()));
    v.add(
        plays(
            "hevc",
            "mp4",
            "HEVC (hvc1), 25 fps, AAC, MP4",
            4.0 / 3,
            true,
            video(320, 240, "25", SECONDS),
            tone(SECONDS),
            List.of(
                "-c:v",
                "libx265",
                "-preset",
                "ultrafast",
                "-x265-params",
                "keyint=50:log-level=error",
                "-tag:v",
                "hvc1"),
            aac()));
    v.add(
        plays(
            "vp9-opus",
            "webm",
            "VP9, 30 fps, Opus, WebM",
            4.0 / 3,
            true,
            video(320, 240, "30", SECONDS),
            tone(SECONDS),
            List.of(
                "-c:v",
                "libvpx-vp9",
                "-deadline",
                "realtime",
                "-cpu-used",
                "8",
                "-g",
                "60",
                "-b:v",
                "400k"),
            List.of("-c:a", "libopus", "-b:a", "64k")));
    v.add(
        plays(
            "av1",
            "mkv",
            "AV1 (SVT-AV1), 24 fps, no audio, Matroska",
            4.0 / 3,
            false,
            video(320, 240, "24", SECONDS),
            null,
            List.of("-c:v", "libsvtav1", "-preset", "12", "-g", "48", "-svtav1-params", "lp=2"),
            null));
    v.add(
        plays(
            "mpeg4-bframes-avi",
            "avi",
            "MPEG-4 Part 2 with B-frames, 23.976 fps, AC-3 5.1, AVI",
            4.0 / 3,
            true,
            video(320, 240, "24000/1001", SECONDS),
            tone(SECONDS),
            List.of("-c:v", "mpeg4", "-bf", "2", "-q:v", "4", "-vtag", "XVID", "-g", "300"),
            List.of("-c:a", "ac3", "-ac", "6", "-b:a", "384k")));
    v.add(
        plays(
            "mpeg2-interlaced",
            "ts",
            "MPEG-2 interlaced (top field first), 25 fps, MP2, MPEG-TS",
            352.0 / 288,
            true,
            video(352, 288, "25", SECONDS),
            tone(SECONDS),
            List.of(
                "-c:v",
                "mpeg2video",
                "-flags",
                "+ilme+ildct",
                "-top",
                "1",
                "-b:v",
                "2M",
                "-g",
                "12"),
            List.of("-c:a", "mp2", "-b:a", "192k")));
    v.add(
        plays(
            "mjpeg",
            "avi",
            "Motion JPEG, 15 fps, PCM, AVI",
            4.0 / 3,
            true,
            video(320, 240, "15", SECONDS),
            tone(SECONDS),
            List.of("-c:v", "mjpeg", "-q:v", "5", "-pix_fmt", "yuvj420p"),
            List.of("-c:a", "pcm_s16le")));
    v.add(
        plays(
            "prores-422-10bit",
            "mov",
            "ProRes 422 (10-bit 4:2:2), 25 fps, PCM, MOV",
            4.0 / 3,
            true,
            video(320, 240, "25", SECONDS),
            tone(SECONDS),
            List.of("-c:v", "prores_ks", "-profile:v", "2"),
            List.of("-c:a", "pcm_s16le")));
    v.add(
        plays(
            "cinepak-legacy",
            "avi",
            "Cinepak (legacy), 15 fps, no audio, AVI",
            4.0 / 3,
            false,
            video(160, 120, "15", SECONDS),
            null,
            List.of("-c:v", "cinepak"),
            null));
    v.add(
        plays(
            "msvideo1-legacy",
            "avi",
            "Microsoft Video 1 (legacy), 12.5 fps, MP3, AVI",
            4.0 / 3,
            true,
            video(160, 120, "25/2", SECONDS),
            tone(SECONDS),
            List.of("-c:v", "msvideo1"),
            List.of("-c:a", "libmp3lame", "-b:a", "128k")));
    // frame rates
    for (String[] rate : new String[][] {{"50", "50"}, {"59.94", "60000/1001"}, {"12.5", "25/2"}}) {
      v.add(
          plays(
              "h264-" + rate[0] + "fps",
              "mp4",
              "H.264, " + rate[0] + " fps, AAC, MP4",
              16.0 / 9,
              true,
              video(320, 180, rate[1], SECONDS),
              tone(SECONDS),
              List.of("-c:v", "libx264", "-g", "100"),
              aac()));
    }
    v.add(
        custom(
            "vfr-jitter",
            "mkv",
            "H.264 at about 30 fps with timestamps jittered by up to 8 ms, Matroska",
            Outcome.PLAYS,
            4.0 / 3,
            true,
            List.of(
                List.of(
                    "-f",
                    "lavfi",
                    "-i",
                    src(320, 240, "30", SECONDS),
                    "-f",
                    "lavfi",
                    "-i",
                    sine(SECONDS),
                    "-vf",
                    "setpts='(N/30+0.008*sin(N*1.7))/TB'",
                    "-fps_mode",
                    "passthrough",
                    "-c:v",
                    "libx264",
                    "-g",
                    "60",
                    "-c:a",
                    "aac",
                    "OUT"))));
    // containers
    v.add(
        plays(
            "mp4-faststart",
            "mp4",
            "H.264, 29.97 fps, AAC, MP4 with the index first (faststart)",
            16.0 / 9,
            true,
            video(320, 180, "30000/1001", SECONDS),
            tone(SECONDS),
            List.of("-c:v", "libx264", "-g", "60", "-movflags", "+faststart"),
            aac()));
    v.add(
        plays(
            "mp4-fragmented",
            "mp4",
            "H.264, 25 fps, AAC, fragmented MP4",
            16.0 / 9,
            true,
            video(320, 180, "25", SECONDS),
            tone(SECONDS),
            List.of("-c:v", "libx264", "-g", "50", "-movflags", "+frag_keyframe+empty_moov"),
            aac()));
    v.add(
        custom(
            "mov-editlist",
            "mov",
            "MOV cut at 1.3 s by stream copy: an edit list hides the frames before the cut",
            Outcome.PLAYS,
            4.0 / 3,
            true,
            List.of(
                List.of(
                    "-f",
                    "lavfi",
                    "-i",
                    src(320, 240, "25", SECONDS + 1.3),
                    "-f",
                    "lavfi",
                    "-i",
                    sine(SECONDS + 1.3),
                    "-c:v",
                    "libx264",
                    "-g",
                    "50",
                    "-c:a",
                    "aac",
                    "STEP0.mp4"),
                List.of("-ss", "1.3", "-i", "STEP0.mp4", "-c", "copy", "OUT"))));
    v.add(
        custom(
            "mov-rotated",
            "mov",
            "H.264 shot landscape with a 90-degree rotation matrix: plays as portrait",
            Outcome.PLAYS,
            3.0 / 4,
            true,
            List.of(
                List.of(
                    "-f",
                    "lavfi",
                    "-i",
                    src(320, 240, "30", SECONDS),
                    "-f",
                    "lavfi",
                    "-i",
                    sine(SECONDS),
                    "-c:v",
                    "libx264",
                    "-g",
                    "60",
                    "-c:a",
                    "aac",
                    "STEP0.mp4"),
                List.of("-display_rotation", "90", "-i", "STEP0.mp4", "-c", "copy", "OUT"))));
    v.add(
        plays(
            "mpegts-pts-wrap",
            "ts",
            "H.264 in MPEG-TS whose PTS wraps past 2^33 four seconds in",
            4.0 / 3,
            true,
            video(320, 240, "25", SECONDS),
            tone(SECONDS),
            List.of("-c:v", "libx264", "-g", "50", "-output_ts_offset", "95439.7"),
            aac()));
    // geometry
    v.add(
        plays(
            "odd-size",
            "mkv",
            "H.264 4:4:4 at 321x241 (odd width and height), Matroska",
            321.0 / 241,
            true,
            video(320, 240, "25", SECONDS),
            tone(SECONDS),
            List.of("-vf", "scale=321:241", "-c:v", "libx264", "-pix_fmt", "yuv444p", "-g", "50"),
            aac()));
    v.add(
        plays(
            "anamorphic",
            "mp4",
            "H.264 352x288 with 16:11 pixels (16:9 on screen), AAC, MP4",
            16.0 / 9,
            true,
            List.of("-f", "lavfi", "-i", src(352, 288, "25", SECONDS) + ",setsar=16/11"),
            tone(SECONDS),
            List.of("-c:v", "libx264", "-g", "50"),
            aac()));
    v.add(
        plays(
            "portrait",
            "mp4",
            "H.264 shot portrait, 180x320, AAC, MP4",
            180.0 / 320,
            true,
            video(180, 320, "30", SECONDS),
            tone(SECONDS),
            List.of("-c:v", "libx264", "-g", "60"),
            aac()));
    v.add(
        plays(
            "h264-10bit",
            "mkv",
            "H.264 High 10 (yuv420p10), AAC, Matroska",
            4.0 / 3,
            true,
            video(320, 240, "25", SECONDS),
            tone(SECONDS),
            List.of("-c:v", "libx264", "-pix_fmt", "yuv420p10le", "-g", "50"),
            aac()));
    v.add(
        plays(
            "h264-422",
            "mkv",
            "H.264 High 4:2:2, AAC, Matroska",
            4.0 / 3,
            true,
            video(320, 240, "25", SECONDS),
            tone(SECONDS),
            List.of("-c:v", "libx264", "-pix_fmt", "yuv422p", "-g", "50"),
            aac()));
    // audio
    v.add(
        plays(
            "ac3-51-mkv",
            "mkv",
            "H.264, AC-3 5.1, Matroska",
            4.0 / 3,
            true,
            video(320, 240, "25", SECONDS),
            tone(SECONDS),
            List.of("-c:v", "libx264", "-g", "50"),
            List.of("-c:a", "ac3", "-ac", "6")));
    v.add(
        custom(
            "two-audio-tracks",
            "mkv",
            "H.264 with two audio tracks (AAC stereo, then AC-3): the first is used",
            Outcome.PLAYS,
            4.0 / 3,
            true,
            List.of(
                List.of(
                    "-f",
                    "lavfi",
                    "-i",
                    src(320, 240, "25", SECONDS),
                    "-f",
                    "lavfi",
                    "-i",
                    sine(SECONDS),
                    "-f",
                    "lavfi",
                    "-i",
                    "sine=frequency=660:sample_rate=48000:duration=" + SECONDS,
                    "-map",
                    "0:v",
                    "-map",
                    "1:a",
                    "-map",
                    "2:a",
                    "-c:v",
                    "libx264",
                    "-g",
                    "50",
                    "-c:a:0",
                    "aac",
                    "-c:a:1",
                    "ac3",
                    "OUT"))));
    v.add(
        custom(
            "audio-leads-video",
            "mkv",
            "audio starts 0.6 s before the video",
            Outcome.PLAYS,
            4.0 / 3,
            true,
            List.of(
                List.of(
                    "-itsoffset",
                    "0.6",
                    "-f",
                    "lavfi",
                    "-i",
                    src(320, 240, "25", SECONDS),
                    "-f",
                    "lavfi",
                    "-i",
                    sine(SECONDS + 0.6),
                    "-c:v",
                    "libx264",
                    "-g",
                    "50",
                    "-c:a",
                    "aac",
                    "OUT"))));
    v.add(
        custom(
            "audio-lags-video",
            "mkv",
            "audio starts 0.7 s after the video and ends early",
            Outcome.PLAYS,
            4.0 / 3,
            true,
            List.of(
                List.of(
                    "-f",
                    "lavfi",
                    "-i",
                    src(320, 240, "25", SECONDS),
                    "-itsoffset",
                    "0.7",
                    "-f",
                    "lavfi",
                    "-i",
                    sine(SECONDS - 2),
                    "-c:v",
                    "libx264",
                    "-g",
                    "50",
                    "-c:a",
                    "aac",
                    "OUT"))));
    // GOP structure and length
    v.add(
        plays(
            "gop-10s",
            "mp4",
            "H.264 with a keyframe every 10 s, 25 fps, AAC, MP4",
            4.0 / 3,
            true,
            video(320, 240, "25", 14),
            tone(14),
            List.of("-c:v", "libx264", "-g", "250", "-sc_threshold", "0"),
            aac()));
    v.add(
        plays(
            "single-keyframe",
            "mkv",
            "H.264 with no keyframe after the first, 25 fps, Matroska",
            4.0 / 3,
            true,
            video(320, 240, "25", SECONDS),
            tone(SECONDS),
            List.of(
                "-c:v", "libx264", "-x264-params", "keyint=infinite:min-keyint=1000:scenecut=0"),
            aac()));
    v.add(
        plays(
            "shorter-than-a-segment",
            "mp4",
            "H.264, 1.5 s in all, AAC, MP4",
            4.0 / 3,
            true,
            video(320, 240, "25", 1.5),
            tone(1.5),
            List.of("-c:v", "libx264", "-g", "50"),
            aac()));
    v.add(
        custom(
            "damaged-middle",
            "mp4",
            "H.264 MP4 whose media data is overwritten with random bytes in the middle",
            Outcome.PLAYS_EXCEPT_DAMAGE,
            4.0 / 3,
            false,
            List.of(
                List.of(
                    "-f",
                    "lavfi",
                    "-i",
                    src(320, 240, "25", 16),
                    "-c:v",
                    "libx264",
                    "-g",
                    "50",
                    "-movflags",
                    "+faststart",
                    "OUT"),
                List.of("DAMAGE", "0.45", "0.55"))));
    // refused
    v.add(
        custom(
            "audio-only",
            "m4a",
            "AAC audio without video",
            Outcome.REFUSED,
            0,
            false,
            "audio only",
            List.of(List.of("-f", "lavfi", "-i", sine(4), "-c:a", "aac", "OUT"))));
    v.add(
        custom(
            "image-only",
            "png",
            "one PNG picture",
            Outcome.REFUSED,
            0,
            false,
            "still image",
            List.of(
                List.of("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", "OUT"))));
    return v;
  }

  /**
   * Writes one variant into {@code dir} and returns its path; what is already there is reused, so a
   * corpus folder can be shared between runs.
   */
  public static Path make(Variant v, Path dir, FfmpegTools tools) {
    Path out = dir.resolve(v.name() + "." + v.file());
    if (Files.exists(out)) {
      return out;
    }
    try {
      Files.createDirectories(dir);
      Path partial = dir.resolve(v.name() + ".partial." + v.file());
      List<Path> steps = new ArrayList<>();
      for (int i = 0; i < v.steps().size(); i++) {
        List<String> step = v.steps().get(i);
        if (step.get(0).equals("DAMAGE")) {
          damage(partial, Double.parseDouble(step.get(1)), Double.parseDouble(step.get(2)));
          continue;
        }
        List<String> args = new ArrayList<>();
        for (String a : step) {
          if (a.equals("OUT")) {
            args.add(partial.toString());
          } else if (a.startsWith("STEP") && a.length() > 4 && Character.isDigit(a.charAt(4))) {
            Path p = dir.resolve(v.name() + "." + a.toLowerCase(Locale.ROOT));
            steps.add(p);
            args.add(p.toString());
          } else {
            args.add(a);
          }
        }
        ChildRun.Result r = tools.ffmpeg(args, Duration.ofMinutes(2));
        if (!r.ok()) {
          throw new IllegalStateException("could not make " + v.name() + ": " + r.lastError());
        }
      }
      for (Path p : steps) {
        Files.deleteIfExists(p);
      }
      Files.move(partial, out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Overwrites bytes from {@code from} to {@code to} (shares of the length) with random ones. */
  private static void damage(Path file, double from, double to) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long start = (long) (f.length() * from);
      byte[] junk = new byte[(int) ((long) (f.length() * to) - start)];
      new Random(20).nextBytes(junk);
      f.seek(start);
      f.write(junk);
    }
  }

  private static Variant plays(
      String name,
      String file,
      String description,
      double aspect,
      boolean audio,
      List<String> videoInput,
      List<String> audioInput,
      List<String> videoCodec,
      List<String> audioCodec) {
    List<String> args = new ArrayList<>(videoInput);
    if (audioInput != null) {
      args.addAll(audioInput);
    }
    args.addAll(List.of("-map", "0:v"));
    if (audioInput != null) {
      args.addAll(List.of("-map", "1:a"));
    }
    args.addAll(videoCodec);
    if (audioCodec != null) {
      args.addAll(audioCodec);
    }
    args.add("OUT");
    return custom(name, file, description, Outcome.PLAYS, aspect, audio, List.of(args));
  }

  private static Variant custom(
      String name,
      String file,
      String description,
      Outcome outcome,
      double aspect,
      boolean audio,
      List<List<String>> steps) {
    return new Variant(name, file, description, outcome, aspect, audio, null, steps);
  }

  private static Variant custom(
      String name,
      String file,
      String description,
      Outcome outcome,
      double aspect,
      boolean audio,
      String refusal,
      List<List<String>> steps) {
    return new Variant(name, file, description, outcome, aspect, audio, refusal, steps);
  }

  private static List<String> video(int w, int h, String rate, double seconds) {
    return List.of("-f", "lavfi", "-i", src(w, h, rate, seconds));
  }

  private static List<String> tone(double seconds) {
    return List.of("-f", "lavfi", "-i", sine(seconds));
  }

  private static List<String> aac() {
    return List.of("-c:a", "aac", "-b:a", "96k");
  }

  private static String src(int w, int h, String rate, double seconds) {
    return String.format(
        Locale.ROOT, "testsrc2=size=%dx%d:rate=%s:duration=%.3f", w, h, rate, seconds);
  }

  private static String sine(double seconds) {
    return String.format(
        Locale.ROOT, "sine=frequency=440:sample_rate=48000:duration=%.3f", seconds);
  }
}
