package dev.segmentflow.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import dev.segmentflow.schemas.validation.DeadLetters;
import dev.segmentflow.schemas.validation.EventValidator;
import dev.segmentflow.schemas.validation.ReasonCode;
import dev.segmentflow.schemas.validation.Validation;
import dev.segmentflow.schemas.validation.Violation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Player data into viewer.events: CMCD seen on requests becomes heartbeat events; beacons (JSON
 * arrays of viewer events, for players without CMCD) are validated one by one. Whatever fails goes
 * to events.dlq with its reason.
 */
public final class PlayerData {
  /** The answer to a beacon: how many were taken and why the others were not. */
  public record BeaconResult(int accepted, List<Rejected> rejected, boolean malformed) {}

  public record Rejected(int index, String reason, String detail) {}

  public static final int MAX_BEACON_BYTES = 256 * 1024;

  private final String edgeId;
  private final String region;
  private final EventSink sink;
  private final EdgeMetrics metrics;
  private final EventValidator<ViewerEvent> validator = EventValidator.of(ViewerEvent.class);
  private final AtomicLong seq = new AtomicLong();

  public PlayerData(String edgeId, String region, EventSink sink, EdgeMetrics metrics) {
    this.edgeId = edgeId;
    this.region = region;
    this.sink = sink;
    this.metrics = metrics;
  }

  /**
   * One heartbeat per request that carries CMCD with a session id: buffer length, encoded bitrate,
   * measured throughput, starvation since the last request, startup.
   *
   * @return the event sent, or null (no session id, or it failed validation)
   */
  public ViewerEvent fromCmcd(Cmcd cmcd, String assetId, long nowMillis) {
    String sid = cmcd.sessionId();
    if (sid == null || sid.isEmpty()) {
      metrics.inc("edge_cmcd_without_session_total");
      return null;
    }
    ViewerEvent e =
        new ViewerEvent(
            ViewerEvent.VERSION,
            ViewerEvent.idFor(sid, ViewerEventType.HEARTBEAT, nowMillis, seq.incrementAndGet()),
            ViewerEventType.HEARTBEAT,
            sid,
            "cmcd:" + sid,
            assetId,
            region,
            edgeId,
            null,
            nowMillis,
            null,
            cmcd.integer("br"),
            cmcd.integer("bl"),
            cmcd.integer("mtp"),
            cmcd.values().containsKey("bs") ? cmcd.flag("bs") : null,
            cmcd.values().containsKey("su") ? cmcd.flag("su") : null,
            null,
            null,
            null,
            null,
            null,
            null);
    byte[] bytes = Json.bytes(e);
    Validation<ViewerEvent> v = validator.validate(bytes);
    if (v instanceof Validation.Invalid<ViewerEvent> bad) {
      deadLetter(bytes, bad.primary());
      return null;
    }
    metrics.inc("edge_cmcd_events_total");
    sink.send(Topics.VIEWER_EVENTS, sid, e);
    return e;
  }

  /** A CMCD payload that breaks the grammar: the request is still served, the data is not kept. */
  public void malformedCmcd(String payload, String detail) {
    metrics.inc("edge_cmcd_malformed_total");
    deadLetter(
        payload.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        new Violation(ReasonCode.WRONG_TYPE, "CMCD", detail));
  }

  public BeaconResult beacon(byte[] body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      root = null;
    }
    if (root == null || !root.isArray()) {
      metrics.inc("edge_beacons_malformed_total");
      deadLetter(
          body,
          new Violation(
              ReasonCode.MALFORMED_JSON, null, "a beacon is a JSON array of viewer events"));
      return new BeaconResult(0, List.of(), true);
    }
    int accepted = 0;
    List<Rejected> rejected = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode item = root.get(i);
      if (item.isObject()) {
        // the edge knows where the beacon came in; players need not say
        ObjectNode o = (ObjectNode) item;
        if (!o.hasNonNull("edgeId")) {
          o.put("edgeId", edgeId);
        }
        if (!o.hasNonNull("region")) {
          o.put("region", region);
        }
      }
      byte[] bytes = Json.bytes(item);
      Validation<ViewerEvent> v = validator.validate(item);
      if (v instanceof Validation.Valid<ViewerEvent> ok) {
        sink.send(Topics.VIEWER_EVENTS, ok.value().sessionId(), ok.value());
        accepted++;
      } else {
        Violation why = ((Validation.Invalid<ViewerEvent>) v).primary();
        deadLetter(bytes, why);
        rejected.add(new Rejected(i, why.reason().name(), why.detail()));
      }
    }
    metrics.inc("edge_beacon_events_total", accepted);
    metrics.inc("edge_beacon_rejected_total", rejected.size());
    return new BeaconResult(accepted, rejected, false);
  }

  private void deadLetter(byte[] payload, Violation why) {
    metrics.inc("edge_dead_letters_total{reason=\"" + why.reason() + "\"}");
    sink.send(
        Topics.EVENTS_DLQ,
        Topics.VIEWER_EVENTS,
        DeadLetters.of(Topics.VIEWER_EVENTS, null, null, payload, why, System.currentTimeMillis()));
  }
}
