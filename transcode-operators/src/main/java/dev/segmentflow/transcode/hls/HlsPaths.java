package dev.segmentflow.transcode.hls;

import dev.segmentflow.schemas.events.Packaging;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Keys in the origin store. Each is a pure function of what it names, so rewriting after a replay
 * replaces instead of duplicating. The edge serves {@code /hls/<key>}.
 *
 * <pre>
 *   asset/source/000003.mkv           source segment 3
 *   asset/master.m3u8                 master, MPEG-TS renditions
 *   asset/master-fmp4.m3u8            master, CMAF (fMP4) renditions
 *   asset/720p/index.m3u8             media playlist, MPEG-TS
 *   asset/720p/index-fmp4.m3u8        media playlist, fMP4
 *   asset/720p/000003.ts | .m4s       segment 3 of the rendition
 *   asset/720p/init.mp4               fMP4 init segment (EXT-X-MAP)
 *   asset/archive/720p/ts-000001.json live archive index, sequences 100..199 (fmp4-… for fMP4)
 *   asset/replay-FROM-TO.m3u8         replay master for a time range of a live asset (-fmp4 too)
 *   asset/720p/replay-FROM-TO.m3u8    its media playlist (FROM, TO: epoch seconds)
 * </pre>
 */
public final class HlsPaths {
  /** Asset and rendition names become path segments: no separators, no dot-files, bounded. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

  private HlsPaths() {}

  public static boolean safeName(String s) {
    return s != null && NAME.matcher(s).matches() && !s.contains("..");
  }

  public static String source(String asset, int sequence) {
    return name(asset) + "/source/" + seq(sequence) + ".mkv";
  }

  public static String master(String asset, Packaging p) {
    return name(asset) + (p == Packaging.TS ? "/master.m3u8" : "/master-fmp4.m3u8");
  }

  /** A media playlist's name relative to its master. */
  public static String mediaPlaylistName(String rendition, Packaging p) {
    return name(rendition) + (p == Packaging.TS ? "/index.m3u8" : "/index-fmp4.m3u8");
  }

  public static String mediaPlaylist(String asset, String rendition, Packaging p) {
    return name(asset) + "/" + mediaPlaylistName(rendition, p);
  }

  /** A segment's name relative to its media playlist. */
  public static String segmentName(int sequence, Packaging p) {
    return seq(sequence) + (p == Packaging.TS ? ".ts" : ".m4s");
  }

  public static String segment(String asset, String rendition, int sequence, Packaging p) {
    return name(asset) + "/" + name(rendition) + "/" + segmentName(sequence, p);
  }

  public static String init(String asset, String rendition) {
    return name(asset) + "/" + name(rendition) + "/init.mp4";
  }

  /** The folder holding an asset's live archive index. */
  public static String archive(String asset) {
    return name(asset) + "/archive";
  }

  public static String archiveChunk(String asset, String rendition, Packaging p, int chunk) {
    return archive(asset)
        + "/"
        + name(rendition)
        + "/"
        + packagingName(p)
        + "-"
        + seq(chunk)
        + ".json";
  }

  /** The name of a replay of [from, to), both in epoch seconds. */
  public static String replayName(long fromEpochSecond, long toEpochSecond) {
    return "replay-" + fromEpochSecond + "-" + toEpochSecond;
  }

  public static String replayMaster(String asset, String replay, Packaging p) {
    return name(asset) + "/" + replay + (p == Packaging.TS ? ".m3u8" : "-fmp4.m3u8");
  }

  /** A replay media playlist's name relative to its master: it sits beside the segments. */
  public static String replayMediaPlaylistName(String rendition, String replay, Packaging p) {
    return name(rendition) + "/" + replay + (p == Packaging.TS ? ".m3u8" : "-fmp4.m3u8");
  }

  public static String replayMediaPlaylist(
      String asset, String rendition, String replay, Packaging p) {
    return name(asset) + "/" + replayMediaPlaylistName(rendition, replay, p);
  }

  private static String packagingName(Packaging p) {
    return p == Packaging.TS ? "ts" : "fmp4";
  }

  private static String seq(int sequence) {
    if (sequence < 0) {
      throw new IllegalArgumentException("negative sequence " + sequence);
    }
    return String.format(Locale.ROOT, "%06d", sequence);
  }

  private static String name(String s) {
    if (!safeName(s)) {
      throw new IllegalArgumentException("not a safe asset or rendition name: " + s);
    }
    return s;
  }
}
