package dev.segmentflow.recs.sim;

import dev.segmentflow.analytics.recs.Title;
import dev.segmentflow.analytics.recs.WatchedSession;
import dev.segmentflow.schemas.events.AssetCatalogueEntry;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import java.util.ArrayList;
import java.util.List;

/** A simulated world as the records the jobs read: viewer events and catalogue entries. */
public final class WorldRecords {
  private WorldRecords() {}

  /** One event of a watched session, from the web player at the region's edge. */
  public static ViewerEvent event(
      WatchedSession s, ViewerEventType type, long t, double position, int seq) {
    return new ViewerEvent(
        ViewerEvent.VERSION,
        ViewerEvent.idFor(s.sessionId(), type, t, seq),
        type,
        s.sessionId(),
        s.viewerId(),
        s.assetId(),
        s.region(),
        "edge-" + s.region(),
        "web",
        t,
        position,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /**
   * A watched session as its player reports it: the play request, a heartbeat every {@code
   * heartbeatMillis} of playback, and at its end either the end event or, for a viewer who just
   * goes silent, one last heartbeat.
   */
  public static List<ViewerEvent> events(WatchedSession s, long heartbeatMillis, boolean silent) {
    List<ViewerEvent> out = new ArrayList<>();
    out.add(event(s, ViewerEventType.PLAY_REQUEST, s.startMillis(), 0.0, 0));
    int seq = 1;
    for (long t = s.startMillis() + heartbeatMillis; t < s.endMillis(); t += heartbeatMillis) {
      double at = Math.min(s.furthestSeconds(), (t - s.startMillis()) / 1000.0);
      out.add(event(s, ViewerEventType.HEARTBEAT, t, at, seq++));
    }
    out.add(
        event(
            s,
            silent ? ViewerEventType.HEARTBEAT : ViewerEventType.END,
            s.endMillis(),
            s.furthestSeconds(),
            seq));
    return out;
  }

  public static AssetCatalogueEntry entry(Title t) {
    return new AssetCatalogueEntry(
        AssetCatalogueEntry.VERSION,
        t.assetId,
        "Title " + t.assetId,
        t.genre,
        t.creator,
        t.durationSeconds,
        t.publishedAtMillis,
        t.live);
  }
}
