package dev.segmentflow.recs.sim;

import dev.segmentflow.analytics.recs.Title;
import dev.segmentflow.analytics.recs.WatchedSession;
import dev.segmentflow.schemas.events.AssetCatalogueEntry;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;

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
        null);
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
