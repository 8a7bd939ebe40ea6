package dev.segmentflow.edge;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long an object stays fresh, at the edge and in the player's cache. Segments never change
 * (deterministic names, rewritten only with identical content), so they are long-lived and
 * immutable; a finished (ENDLIST) media playlist is long-lived too; a live media playlist changes
 * every segment, so it lives about half a target duration (RFC 8216 6.2.2 has clients reload
 * between half and one and a half target durations); a master can still gain renditions while the
 * asset is being transcoded. A TTL directive for the asset replaces a finished playlist's lifetime
 * and what segments' Cache-Control says; the edge itself never refetches a segment for its age.
 */
public final class Freshness {
  private static final Pattern TARGET = Pattern.compile("#EXT-X-TARGETDURATION:(\\d+)");

  /** Defaults, overridable by configuration. */
  public record Rules(Duration segment, Duration finishedPlaylist, Duration master) {
    public static Rules defaults() {
      return new Rules(Duration.ofDays(365), Duration.ofDays(1), Duration.ofSeconds(30));
    }
  }

  /** How long, and how to say it. */
  public record Verdict(Duration ttl, String cacheControl) {}

  private Freshness() {}

  /**
   * @param directiveTtl the asset's TTL from the latest directive, or null
   */
  public static Verdict of(HlsObject o, byte[] body, Duration directiveTtl, Rules rules) {
    switch (o.type()) {
      case SEGMENT, INIT_SEGMENT -> {
        // Immutable: a TTL directive tells downstream caches how long to keep it, but refetching
        // the same bytes would only cost origin traffic; at this edge it bounds idle time instead.
        Duration told = directiveTtl != null ? directiveTtl : rules.segment();
        return new Verdict(rules.segment(), "public, max-age=" + told.toSeconds() + ", immutable");
      }
      case MEDIA_PLAYLIST -> {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.contains("#EXT-X-ENDLIST")) {
          Duration ttl = directiveTtl != null ? directiveTtl : rules.finishedPlaylist();
          return new Verdict(ttl, "public, max-age=" + ttl.toSeconds());
        }
        Matcher m = TARGET.matcher(text);
        long target = m.find() ? Long.parseLong(m.group(1)) : 2;
        // Half a target duration, in whole seconds; at least one.
        Duration ttl = Duration.ofMillis(Math.max(1000, target * 500));
        return new Verdict(ttl, "public, max-age=" + Math.max(1, ttl.toSeconds()));
      }
      case MASTER_PLAYLIST -> {
        Duration ttl =
            directiveTtl != null && directiveTtl.compareTo(rules.master()) < 0
                ? directiveTtl
                : rules.master();
        return new Verdict(ttl, "public, max-age=" + ttl.toSeconds());
      }
      default -> {
        return new Verdict(Duration.ZERO, "no-store");
      }
    }
  }
}
