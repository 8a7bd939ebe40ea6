package dev.segmentflow.edge;

import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.EdgeRequest.CacheStatus;
import dev.segmentflow.schemas.events.EdgeRequest.ObjectType;
import dev.segmentflow.schemas.events.Ids;
import java.util.UUID;

/**
 * The edge's access log on edge.requests: every request it answered, and every object it fetched
 * ahead of demand ({@link EdgeRequest#PREFETCH_METHOD}). With both, the origin traffic the cache
 * caused adds up from the log alone: misses plus prefetches.
 */
public final class RequestLog {
  private static final int MAX_PATH = 2048;

  private final EdgeConfig config;
  private final EventSink sink;

  public RequestLog(EdgeConfig config, EventSink sink) {
    this.config = config;
    this.sink = sink;
  }

  /**
   * @param o the object asked for, or null when the path named none
   */
  public void served(
      String method,
      String rawPath,
      HlsObject o,
      int code,
      CacheStatus status,
      long bytes,
      long micros,
      Long originMicros,
      String session,
      long now) {
    String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
    if (path.length() > MAX_PATH) {
      path = path.substring(0, MAX_PATH);
    }
    EdgeRequest r =
        new EdgeRequest(
            EdgeRequest.VERSION,
            Ids.of("request", config.edgeId(), UUID.randomUUID()),
            config.edgeId(),
            config.region(),
            method,
            path,
            o == null ? null : o.assetId(),
            o == null ? null : o.rendition(),
            o == null ? null : o.sequence(),
            o == null ? ObjectType.OTHER : o.type(),
            code,
            status,
            bytes,
            micros,
            originMicros,
            session,
            now);
    sink.send(config.requestsTopic(), config.edgeId(), r);
  }

  /** An object fetched from the origin ahead of demand. */
  public void prefetched(HlsObject o, long bytes, long micros, long now) {
    served(
        EdgeRequest.PREFETCH_METHOD,
        HlsObject.PREFIX + o.key(),
        o,
        200,
        CacheStatus.MISS,
        bytes,
        micros,
        micros,
        null,
        now);
  }
}
