package dev.segmentflow.edge;

import dev.segmentflow.schemas.events.EdgeRequest.ObjectType;
import dev.segmentflow.transcode.hls.HlsPaths;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An object the edge may serve, parsed from the raw request path. Only the shapes the transcoder
 * writes are accepted (playlists, init and media segments under {@code /hls/<asset>/}); anything
 * else, including source segments and the archive index, is not served. The raw path is checked
 * before any decoding, so no encoding of a separator or a dot can smuggle a traversal through.
 */
public record HlsObject(
    String key, String assetId, String rendition, Integer sequence, ObjectType type) {
  public static final String PREFIX = "/hls/";
  static final int MAX_PATH = 512;

  /** Characters of a raw path we accept: unreserved only, so nothing is percent-encoded. */
  private static final Pattern RAW = Pattern.compile("[A-Za-z0-9._/-]+");

  private static final Pattern MASTER =
      Pattern.compile("master(-fmp4)?\\.m3u8|replay-\\d+-\\d+(-fmp4)?\\.m3u8");
  private static final Pattern MEDIA =
      Pattern.compile("index(-fmp4)?\\.m3u8|replay-\\d+-\\d+(-fmp4)?\\.m3u8");
  private static final Pattern SEGMENT = Pattern.compile("(\\d{6,9})\\.(ts|m4s)");

  /** Why a path was refused: 400 for malformed, 404 for well-formed but not servable. */
  public enum Refusal {
    MALFORMED(400),
    NOT_SERVED(404);

    public final int status;

    Refusal(int status) {
      this.status = status;
    }
  }

  /** The parsed object, or why not. */
  public record Parsed(Optional<HlsObject> object, Refusal refusal, String detail) {
    static Parsed ok(HlsObject o) {
      return new Parsed(Optional.of(o), null, null);
    }

    static Parsed refused(Refusal r, String detail) {
      return new Parsed(Optional.empty(), r, detail);
    }
  }

  /**
   * @param rawPath the request path exactly as sent, without the query
   */
  public static Parsed parse(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return Parsed.refused(Refusal.MALFORMED, "empty path");
    }
    if (rawPath.length() > MAX_PATH) {
      return Parsed.refused(Refusal.MALFORMED, "path longer than " + MAX_PATH);
    }
    if (!RAW.matcher(rawPath).matches()) {
      return Parsed.refused(Refusal.MALFORMED, "path has characters outside [A-Za-z0-9._/-]");
    }
    if (!rawPath.startsWith(PREFIX)) {
      return Parsed.refused(Refusal.NOT_SERVED, "not under " + PREFIX);
    }
    String[] parts = rawPath.substring(PREFIX.length()).split("/", -1);
    for (String p : parts) {
      if (!HlsPaths.safeName(p)) {
        return Parsed.refused(Refusal.MALFORMED, "unsafe path segment '" + p + "'");
      }
    }
    String key = String.join("/", parts);
    if (parts.length == 2 && MASTER.matcher(parts[1]).matches()) {
      return Parsed.ok(new HlsObject(key, parts[0], null, null, ObjectType.MASTER_PLAYLIST));
    }
    if (parts.length == 3) {
      String asset = parts[0];
      String rendition = parts[1];
      String file = parts[2];
      if (rendition.equals("source") || rendition.equals("archive")) {
        return Parsed.refused(Refusal.NOT_SERVED, "internal object");
      }
      if (MEDIA.matcher(file).matches()) {
        return Parsed.ok(new HlsObject(key, asset, rendition, null, ObjectType.MEDIA_PLAYLIST));
      }
      if (file.equals("init.mp4")) {
        return Parsed.ok(new HlsObject(key, asset, rendition, null, ObjectType.INIT_SEGMENT));
      }
      Matcher m = SEGMENT.matcher(file);
      if (m.matches()) {
        return Parsed.ok(
            new HlsObject(key, asset, rendition, Integer.parseInt(m.group(1)), ObjectType.SEGMENT));
      }
    }
    return Parsed.refused(Refusal.NOT_SERVED, "not an HLS object this edge serves");
  }

  public boolean playlist() {
    return type == ObjectType.MASTER_PLAYLIST || type == ObjectType.MEDIA_PLAYLIST;
  }

  /** The signed-URL scope of this object: everything of its asset. */
  public String tokenScope() {
    return PREFIX + assetId + "/";
  }

  public String contentType() {
    return switch (type) {
      case MASTER_PLAYLIST, MEDIA_PLAYLIST -> "application/vnd.apple.mpegurl";
      case INIT_SEGMENT -> "video/mp4";
      case SEGMENT -> key.endsWith(".ts") ? "video/mp2t" : "video/mp4";
      case OTHER -> "application/octet-stream";
    };
  }
}
