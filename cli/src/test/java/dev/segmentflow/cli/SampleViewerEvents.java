package dev.segmentflow.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import dev.segmentflow.schemas.validation.ReasonCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Player sessions as test input: play request, startup, heartbeats, the odd stall and bitrate
 * switch, an end (or an early exit or a fatal error), plus a sprinkling of the malformed input
 * players really send, each labelled with the reason it should be rejected for.
 */
public final class SampleViewerEvents {
  static final String[] REGIONS = {"eu-west", "us-east", "ap-south"};
  static final String[] DEVICES = {"web", "tv", "mobile"};
  static final long[] LADDER_KBPS = {400, 800, 1600, 3000, 6000};

  /** One line on the topic; {@code expected} is null for valid events. */
  public record Line(String key, String json, ReasonCode expected) {}

  private SampleViewerEvents() {}

  public static List<Line> generate(long seed, int sessions, long startMillis) {
    Random rnd = new Random(seed);
    List<Line> out = new ArrayList<>();
    for (int s = 0; s < sessions; s++) {
      String region = REGIONS[rnd.nextInt(REGIONS.length)];
      String asset = "asset-" + (int) Math.min(19, Math.floor(-Math.log(1 - rnd.nextDouble()) * 4));
      Session session =
          new Session(
              "demo-" + seed + "-" + s,
              "viewer-" + (s % 97),
              region,
              asset,
              DEVICES[rnd.nextInt(DEVICES.length)]);
      long t = startMillis + rnd.nextInt(60_000);
      session.emit(ViewerEventType.PLAY_REQUEST, t, 0, null);
      if (rnd.nextDouble() < 0.04) {
        session.emit(ViewerEventType.END, t + 2500, 0, null); // left before the video started
      } else {
        t += 400 + rnd.nextInt(2500);
        session.emit(ViewerEventType.FIRST_FRAME, t, 0, null);
        double pos = 0;
        int beats = 3 + rnd.nextInt(12);
        boolean failed = false;
        for (int b = 0; b < beats && !failed; b++) {
          t += 10_000;
          pos += 10;
          if (rnd.nextDouble() < ("ap-south".equals(region) ? 0.25 : 0.08)) {
            session.emit(ViewerEventType.STALL_START, t, pos, null);
            t += 300 + rnd.nextInt(3000);
            session.emit(ViewerEventType.STALL_END, t, pos, null);
            if (session.rung > 0) {
              session.rung--;
              session.emit(ViewerEventType.BITRATE_SWITCH, t, pos, null);
            }
          } else if (session.rung < LADDER_KBPS.length - 1 && rnd.nextDouble() < 0.2) {
            session.rung++;
            session.emit(ViewerEventType.BITRATE_SWITCH, t, pos, null);
          }
          failed = rnd.nextDouble() < 0.01;
          session.emit(
              failed ? ViewerEventType.ERROR : ViewerEventType.HEARTBEAT,
              t,
              pos,
              failed ? true : null);
        }
        if (!failed) {
          session.emit(ViewerEventType.END, t + 1000, pos, null);
        }
      }
      for (ViewerEvent e : session.events) {
        out.add(new Line(e.sessionId(), Json.string(e), null));
      }
      if (s % 25 == 7) {
        out.add(malformed(rnd, session.events.get(0), s));
      }
    }
    return out;
  }

  /** One player's session as it is being written: who, where, what, and its current ladder rung. */
  private static final class Session {
    final String id;
    final String viewer;
    final String region;
    final String asset;
    final String device;
    final List<ViewerEvent> events = new ArrayList<>();
    int rung = 2;

    Session(String id, String viewer, String region, String asset, String device) {
      this.id = id;
      this.viewer = viewer;
      this.region = region;
      this.asset = asset;
      this.device = device;
    }

    void emit(ViewerEventType type, long t, double pos, Boolean fatal) {
      long kbps = LADDER_KBPS[rung];
      boolean stall = type == ViewerEventType.STALL_START;
      events.add(
          new ViewerEvent(
              ViewerEvent.VERSION,
              ViewerEvent.idFor(id, type, t, events.size()),
              type,
              id,
              viewer,
              asset,
              region,
              "edge-" + region,
              device,
              t,
              pos,
              kbps,
              stall ? 0L : 6000L,
              kbps * 3,
              stall,
              type == ViewerEventType.PLAY_REQUEST,
              fatal,
              fatal == null ? null : "MEDIA_ERR_DECODE",
              null,
              null,
              null,
              null));
    }
  }

  static Line malformed(Random rnd, ViewerEvent valid, int s) {
    ObjectNode n = Json.MAPPER.valueToTree(valid);
    n.put("eventId", "bad-" + s);
    return switch (rnd.nextInt(6)) {
      case 0 ->
          new Line(valid.sessionId(), Json.string(n).substring(0, 40), ReasonCode.MALFORMED_JSON);
      case 1 ->
          new Line(
              valid.sessionId(),
              Json.string(n.put("schemaVersion", 3)),
              ReasonCode.UNKNOWN_SCHEMA_VERSION);
      case 2 ->
          new Line(
              valid.sessionId(), Json.string(n.put("bitrateKbps", "high")), ReasonCode.WRONG_TYPE);
      case 3 ->
          new Line(
              valid.sessionId(),
              Json.string(n.put("type", "pause")),
              ReasonCode.UNKNOWN_ENUM_VALUE);
      case 4 ->
          new Line(valid.sessionId(), Json.string(n.without("region")), ReasonCode.MISSING_FIELD);
      default ->
          new Line(
              valid.sessionId(),
              Json.string(n.put("positionSeconds", -5)),
              ReasonCode.OUT_OF_RANGE);
    };
  }
}
