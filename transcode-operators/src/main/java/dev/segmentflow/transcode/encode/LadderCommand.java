package dev.segmentflow.transcode.encode;

import dev.segmentflow.transcode.ladder.PlannedRendition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ffmpeg arguments that turn one source segment into every rendition of the ladder in one
 * process: decode once, split, scale per rung, encode each rung once and write it twice through a
 * tee (MPEG-TS and fragmented MP4).
 *
 * <p>Segments are transcoded independently yet must play as one timeline. So the source segment
 * keeps its timestamps from the whole file (-copyts) and every segment is shifted by the same
 * constant, large enough that the encoder's B-frame delay and AAC priming never make a timestamp
 * negative; otherwise the muxers would shift each segment to zero differently. The fMP4 side keeps
 * those timestamps in its tfdt (avoid_negative_ts=disabled, frag_discont) instead of restarting at
 * zero. Bit-exact flags make every segment's init segment identical, so one EXT-X-MAP serves all.
 */
public final class LadderCommand {
  /** Seconds added to every timestamp; see the class comment. */
  public static final double BASE_OFFSET_SECONDS = 10.0;

  private static final Map<String, String> CUVID_DECODERS =
      Map.of(
          "h264", "h264_cuvid",
          "hevc", "hevc_cuvid",
          "vp9", "vp9_cuvid",
          "av1", "av1_cuvid",
          "mpeg2video", "mpeg2_cuvid",
          "mpeg4", "mpeg4_cuvid");

  private LadderCommand() {}

  /** Where one rendition's two outputs go. */
  public record Outputs(PlannedRendition rendition, Path ts, Path mp4) {}

  /**
   * @param sourceCodec the segment's video codec, to pick a hardware decoder on the NVDEC path
   * @param startSeconds where the segment's video starts in the source timeline
   * @param endSeconds where its video ends: its audio is cut or padded to the same span
   * @param gopFrames keyframe interval inside a segment; a keyframe is always forced on its first
   *     frame
   */
  public static List<String> build(
      Path source,
      String sourceCodec,
      List<Outputs> outputs,
      EncoderPath path,
      String x264Preset,
      int gopFrames,
      double startSeconds,
      double endSeconds) {
    boolean gpuDecode = path == EncoderPath.NVDEC_X264 && CUVID_DECODERS.containsKey(sourceCodec);
    List<String> a = new ArrayList<>();
    if (gpuDecode) {
      a.addAll(cudaDecode(CUVID_DECODERS.get(sourceCodec)));
    }
    // -xerror: a damaged source segment fails rather than encoding the decoder's concealment
    a.addAll(List.of("-xerror", "-copyts", "-i", source.toString()));
    a.add("-filter_complex");
    a.add(filterGraph(outputs, gpuDecode) + audioGraph(outputs, startSeconds, endSeconds));
    for (int i = 0; i < outputs.size(); i++) {
      Outputs o = outputs.get(i);
      PlannedRendition r = o.rendition();
      a.addAll(List.of("-map", "[v" + i + "]"));
      if (r.hasAudio()) {
        a.addAll(List.of("-map", "[a" + i + "]"));
      }
      a.addAll(videoEncoder(r, path, x264Preset, gopFrames, "expr:eq(n,0)"));
      if (path != EncoderPath.NVENC && outputs.size() > 1) {
        // ffmpeg runs each encoder in a thread of its own; x264's default frame threads on top
        // (1.5 per core) cost more in start-up and hand-over on a segment of a few seconds than
        // they gain (a 60-frame vtest segment: 0.95 CPU-s with them, 0.81 with one thread). Two,
        // not one, keep an HD top rung from being one core's work.
        a.addAll(List.of("-threads:v", "2"));
      }
      if (r.hasAudio()) {
        a.addAll(audioEncoder(r));
      }
      a.addAll(
          List.of(
              "-fflags",
              "+bitexact",
              "-map_metadata",
              "-1",
              "-output_ts_offset",
              String.format(Locale.ROOT, "%.3f", BASE_OFFSET_SECONDS),
              "-f",
              "tee",
              "[f=mpegts:bsfs/v=h264_mp4toannexb]"
                  + o.ts()
                  + "|[f=mp4:avoid_negative_ts=disabled:movflags="
                  + "+frag_keyframe+empty_moov+default_base_moof+frag_discont]"
                  + o.mp4()));
    }
    return a;
  }

  /** Input options that decode with NVDEC and keep the frames in GPU memory for scale_cuda. */
  static List<String> cudaDecode(String cuvidDecoder) {
    return List.of("-hwaccel", "cuda", "-hwaccel_output_format", "cuda", "-c:v", cuvidDecoder);
  }

  /** The name recorded per rendition for what encoded it. */
  public static String encoderName(EncoderPath path, String sourceCodec) {
    return switch (path) {
      case CPU -> "libx264";
      case NVENC -> "h264_nvenc";
      case NVDEC_X264 ->
          CUVID_DECODERS.containsKey(sourceCodec)
              ? CUVID_DECODERS.get(sourceCodec) + "+scale_cuda+libx264"
              : "libx264";
    };
  }

  public static String filterGraph(List<Outputs> outputs, boolean gpuDecode) {
    StringBuilder g = new StringBuilder("[0:v]split=").append(outputs.size());
    for (int i = 0; i < outputs.size(); i++) {
      g.append("[s").append(i).append(']');
    }
    for (int i = 0; i < outputs.size(); i++) {
      PlannedRendition r = outputs.get(i).rendition();
      g.append(";[s").append(i).append(']');
      if (gpuDecode) {
        g.append("scale_cuda=")
            .append(r.width())
            .append(':')
            .append(r.height())
            .append(":format=yuv420p,hwdownload,format=yuv420p");
      } else {
        g.append("scale=")
            .append(r.width())
            .append(':')
            .append(r.height())
            .append(":flags=bicubic,format=yuv420p");
      }
      g.append(",setsar=1[v").append(i).append(']');
    }
    return g.toString();
  }

  /**
   * The segment's audio for exactly its video's span, split per rung with audio: the piece's audio
   * may start early (audio before the first picture), late (a cut inside an audio packet, or audio
   * that starts after the video) or end early; silence fills and a trim cuts, so segments encoded
   * apart still join without drift.
   */
  static String audioGraph(List<Outputs> outputs, double startSeconds, double endSeconds) {
    List<Integer> withAudio = new ArrayList<>();
    for (int i = 0; i < outputs.size(); i++) {
      if (outputs.get(i).rendition().hasAudio()) {
        withAudio.add(i);
      }
    }
    if (withAudio.isEmpty()) {
      return "";
    }
    StringBuilder g =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                ";[0:a:0]aresample=48000:async=1:first_pts=%d,apad,atrim=end=%.6f,asplit=%d",
                Math.round(startSeconds * 48000),
                endSeconds,
                withAudio.size()));
    for (int i : withAudio) {
      g.append("[a").append(i).append(']');
    }
    return g.toString();
  }

  /** AAC-LC stereo at 48 kHz, as every rung's CODECS string (mp4a.40.2) says. */
  public static List<String> audioEncoder(PlannedRendition r) {
    return List.of(
        "-c:a",
        "aac",
        "-b:a",
        r.audioKbps() + "k",
        "-ac",
        "2",
        "-ar",
        "48000",
        "-flags:a",
        "+bitexact+global_header");
  }

  /**
   * The video encoder of one rung: capped VBR at the planned rates, a GOP in frames, and keyframes
   * forced where {@code forceKeyFrames} says (a segment's first frame, for the per-segment ladder).
   */
  public static List<String> videoEncoder(
      PlannedRendition r,
      EncoderPath path,
      String x264Preset,
      int gopFrames,
      String forceKeyFrames) {
    List<String> a = new ArrayList<>();
    if (path == EncoderPath.NVENC) {
      a.addAll(List.of("-c:v", "h264_nvenc", "-preset", "p4", "-rc", "vbr", "-forced-idr", "1"));
    } else {
      a.addAll(List.of("-c:v", "libx264", "-preset", x264Preset));
    }
    a.addAll(
        List.of(
            "-profile:v",
            r.profile(),
            "-b:v",
            r.videoKbps() + "k",
            "-maxrate",
            r.maxrateKbps() + "k",
            "-bufsize",
            r.bufsizeKbits() + "k",
            "-g",
            Integer.toString(gopFrames),
            "-force_key_frames",
            forceKeyFrames,
            "-flags:v",
            "+bitexact+global_header"));
    return a;
  }
}
