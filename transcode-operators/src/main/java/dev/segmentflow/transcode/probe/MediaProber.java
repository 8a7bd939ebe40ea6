package dev.segmentflow.transcode.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.validation.ReasonCode;
import dev.segmentflow.transcode.ffmpeg.ChildRun;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Runs ffprobe on a file and either describes its video or says why it is not usable video. */
public final class MediaProber {
  /** Demuxers that read one still picture; such a file has a "video" stream but is not a video. */
  private static final Set<String> STILL_IMAGE_CODECS =
      Set.of("png", "mjpeg", "bmp", "gif", "webp", "tiff", "jpegls", "jpeg2000", "qoi", "ppm");

  private final FfmpegTools tools;
  private final Duration timeout;

  public MediaProber(FfmpegTools tools, Duration timeout) {
    this.tools = tools;
    this.timeout = timeout;
  }

  public MediaProbe probe(Path file) throws MediaRejected {
    return describe(json(file, List.of()));
  }

  /** A file's description and its video packets. */
  public record Probed(MediaProbe probe, List<Packet> videoPackets) {}

  /**
   * {@link #probe} and {@link #videoPackets} from one ffprobe run (a process start costs about as
   * much as reading a segment's headers): for short files such as source segments, since every
   * stream's packets are listed.
   */
  public Probed probeWithPackets(Path file) throws MediaRejected {
    JsonNode root = json(file, List.of("-show_entries", "packet=stream_index,pts_time,flags"));
    MediaProbe probe = describe(root);
    int video = videoStream(root).path("index").asInt(-1);
    List<Packet> packets = new ArrayList<>();
    for (JsonNode p : root.path("packets")) {
      if (p.path("stream_index").asInt(-2) == video) {
        String flags = p.path("flags").asText("");
        packets.add(
            new Packet(
                number(p.path("pts_time"), Double.NaN), flags.contains("K"), flags.contains("D")));
      }
    }
    return new Probed(probe, packets);
  }

  private JsonNode json(Path file, List<String> extra) throws MediaRejected {
    long size = size(file);
    if (size == 0) {
      throw new MediaRejected(ReasonCode.UNDECODABLE_MEDIA, "empty file");
    }
    List<String> args =
        new ArrayList<>(List.of("-print_format", "json", "-show_format", "-show_streams"));
    args.addAll(extra);
    args.add(file.toAbsolutePath().toString());
    ChildRun.Result r = ffprobe(args);
    try {
      return Json.MAPPER.readTree(r.stdout());
    } catch (IOException e) {
      throw new MediaRejected(ReasonCode.UNDECODABLE_MEDIA, "ffprobe printed no JSON");
    }
  }

  /** The first video stream that is not a cover picture, or a missing node. */
  private static JsonNode videoStream(JsonNode root) {
    for (JsonNode s : root.path("streams")) {
      if ("video".equals(s.path("codec_type").asText())
          && s.path("disposition").path("attached_pic").asInt(0) == 0) {
        return s;
      }
    }
    return MissingNode.getInstance();
  }

  private static MediaProbe describe(JsonNode root) throws MediaRejected {
    JsonNode format = root.path("format");
    JsonNode video = videoStream(root);
    boolean audio = false;
    for (JsonNode s : root.path("streams")) {
      if ("audio".equals(s.path("codec_type").asText())) {
        audio = true;
      }
    }
    if (video.isMissingNode()) {
      throw new MediaRejected(
          ReasonCode.UNDECODABLE_MEDIA,
          audio
              ? "audio only: no video stream"
              : "no video stream in " + format.path("format_name").asText("?"));
    }
    String codec = video.path("codec_name").asText("");
    String formatName = format.path("format_name").asText("");
    if (STILL_IMAGE_CODECS.contains(codec)
        && (formatName.endsWith("_pipe") || formatName.equals("image2"))) {
      throw new MediaRejected(
          ReasonCode.UNDECODABLE_MEDIA, "still image (" + codec + "), not video");
    }
    int width = video.path("width").asInt(0);
    int height = video.path("height").asInt(0);
    if (width <= 0 || height <= 0) {
      throw new MediaRejected(ReasonCode.UNDECODABLE_MEDIA, "video stream without dimensions");
    }
    double fps = rational(video.path("avg_frame_rate").asText(""));
    if (!(fps > 0) || fps > 1000) {
      fps = rational(video.path("r_frame_rate").asText(""));
    }
    if (!(fps > 0) || fps > 1000) {
      throw new MediaRejected(ReasonCode.UNDECODABLE_MEDIA, "video stream without a frame rate");
    }
    double duration = number(format.path("duration"), number(video.path("duration"), 0));
    if (!(duration > 0)) {
      throw new MediaRejected(ReasonCode.UNDECODABLE_MEDIA, "no duration: not a playable video");
    }
    double sar = rational(video.path("sample_aspect_ratio").asText("1:1").replace(':', '/'));
    Long bitrate =
        format.hasNonNull("bit_rate")
            ? Math.round(format.path("bit_rate").asDouble() / 1000)
            : null;
    Long frames = video.hasNonNull("nb_frames") ? video.path("nb_frames").asLong() : null;
    String fieldOrder = video.path("field_order").asText("progressive");
    int rotation = 0;
    for (JsonNode side : video.path("side_data_list")) {
      if (side.has("rotation")) {
        rotation = Math.floorMod((int) Math.round(side.path("rotation").asDouble()), 360);
      }
    }
    return new MediaProbe(
        formatName,
        duration,
        number(format.path("start_time"), 0),
        codec,
        width,
        height,
        sar > 0 ? sar : 1.0,
        fps,
        bitrate != null && bitrate > 0 ? bitrate : null,
        audio,
        frames,
        number(video.path("start_time"), number(format.path("start_time"), 0)),
        Math.min(1000, Math.max(0, rational(video.path("r_frame_rate").asText("")))),
        rotation,
        !fieldOrder.equals("progressive") && !fieldOrder.equals("unknown"));
  }

  /**
   * A video packet as the demuxer reports it.
   *
   * @param ptsSeconds NaN when the container gives no presentation time (AVI with B-frames)
   * @param discard the container's edit list hides it (decoded only as a reference)
   */
  public record Packet(double ptsSeconds, boolean keyframe, boolean discard) {}

  /**
   * The first video stream's packets in file order, from packet headers only; every packet is
   * listed, so their number is the number of coded frames.
   */
  public List<Packet> videoPackets(Path file) throws MediaRejected {
    ChildRun.Result r =
        ffprobe(
            List.of(
                "-select_streams",
                "v:0",
                "-show_entries",
                "packet=pts_time,flags",
                "-of",
                "csv=p=0",
                file.toAbsolutePath().toString()));
    List<Packet> out = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      String[] f = line.strip().split(",");
      if (f.length < 2 || f[0].isEmpty()) {
        continue;
      }
      double pts = f[0].equals("N/A") ? Double.NaN : Double.parseDouble(f[0]);
      out.add(new Packet(pts, f[1].contains("K"), f[1].contains("D")));
    }
    return out;
  }

  /** ffprobe that either succeeded or says why the input is not usable. */
  private ChildRun.Result ffprobe(List<String> args) throws MediaRejected {
    ChildRun.Result r = tools.ffprobe(args, timeout);
    if (r.timedOut()) {
      throw new MediaRejected(ReasonCode.TIMEOUT, "ffprobe ran past " + timeout.toSeconds() + " s");
    }
    if (r.exitCode() != 0) {
      throw new MediaRejected(ReasonCode.UNDECODABLE_MEDIA, "ffprobe: " + r.lastError());
    }
    return r;
  }

  private static long size(Path file) throws MediaRejected {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new MediaRejected(ReasonCode.UNDECODABLE_MEDIA, "unreadable: " + e.getMessage());
    }
  }

  private static double number(JsonNode n, double otherwise) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return otherwise;
    }
    try {
      return Double.parseDouble(n.asText());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  static double rational(String text) {
    String[] p = text.split("/");
    try {
      if (p.length == 2) {
        double d = Double.parseDouble(p[1]);
        return d == 0 ? 0 : Double.parseDouble(p[0]) / d;
      }
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
