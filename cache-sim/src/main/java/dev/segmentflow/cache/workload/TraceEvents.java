package dev.segmentflow.cache.workload;

import dev.segmentflow.cache.policy.TraceRequest;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.Ids;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;

/** A generated trace as the events an edge would have logged, for tests and benchmarks. */
public final class TraceEvents {
  private TraceEvents() {}

  /** The request as edge.requests carries it, shifted so that trace time 0 is {@code base}. */
  public static EdgeRequest edgeRequest(TraceRequest r, long baseMillis) {
    return new EdgeRequest(
        EdgeRequest.VERSION,
        Ids.of("req", r.sessionId(), r.key()),
        "edge-" + r.region(),
        r.region(),
        "GET",
        "/" + r.key() + ".m4s",
        r.assetId(),
        r.rendition(),
        r.segment(),
        EdgeRequest.ObjectType.SEGMENT,
        200,
        EdgeRequest.CacheStatus.MISS,
        r.sizeBytes(),
        1500,
        null,
        r.sessionId(),
        baseMillis + r.timeMillis());
  }

  /** The play request that opens a trace session, as a player sends it at {@code timeMillis}. */
  public static ViewerEvent play(TraceRequest r, long timeMillis) {
    return new ViewerEvent(
        ViewerEvent.VERSION,
        Ids.of("play", r.sessionId()),
        ViewerEventType.PLAY_REQUEST,
        r.sessionId(),
        "viewer-" + r.sessionId(),
        r.assetId(),
        r.region(),
        "edge-" + r.region(),
        "web",
        timeMillis,
        null,
        null,
        null,
        null,
        null,
        true,
        null,
        null,
        null,
        null,
        null,
        null);
  }
}
