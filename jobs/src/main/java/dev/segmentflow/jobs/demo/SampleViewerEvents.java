package dev.segmentflow.jobs.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import dev.segmentflow.schemas.validation.ReasonCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Player sessions as a demo input: play request, startup, heartbeats, the odd stall and bitrate
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
      String session = "demo-" + seed + "-" + s;
      String region = REGIONS[rnd.nextInt(REGIONS.length)];
      String asset = "asset-" + (int) Math.min(19, Math.floor(-Math.log(1 - rnd.nextDouble()) * 4));
      String device = DEVICES[rnd.nextInt(DEVICES.length)];
      long t = startMillis + rnd.nextInt(60_000);
      int rung = 2;
      List<ViewerEvent> events = new ArrayList<>();
      events.add(
          event(
              session,
              s,
              events.size(),
              ViewerEventType.PLAY_REQUEST,
              region,
              asset,
              device,
              t,
              0,
              rung,
              null));
      if (rnd.nextDouble() < 0.04) {
        events.add(
            event(
                session,
                s,
                events.size(),
                ViewerEventType.END,
                region,
                asset,
                device,
                t + 2500,
                0,
                rung,
                null));
      } else {
        t += 400 + rnd.nextInt(2500);
        events.add(
            event(
                session,
                s,
                events.size(),
                ViewerEventType.FIRST_FRAME,
                region,
                asset,
                device,
                t,
                0,
                rung,
                null));
        double pos = 0;
        int beats = 3 + rnd.nextInt(12);
        boolean failed = false;
        for (int b = 0; b < beats && !failed; b++) {
          t += 10_000;
          pos += 10;
          if (rnd.nextDouble() < ("ap-south".equals(region) ? 0.25 : 0.08)) {
            events.add(
                event(
                    session,
                    s,
                    events.size(),
                    ViewerEventType.STALL_START,
                    region,
                    asset,
                    device,
                    t,
                    pos,
                    rung,
                    null));
            t += 300 + rnd.nextInt(3000);
            events.add(
                event(
                    session,
                    s,
                    events.size(),
                    ViewerEventType.STALL_END,
                    region,
                    asset,
                    device,
                    t,
                    pos,
                    rung,
                    null));
            if (rung > 0) {
              rung--;
              events.add(
                  event(
                      session,
                      s,
                      events.size(),
                      ViewerEventType.BITRATE_SWITCH,
                      region,
                      asset,
                      device,
                      t,
                      pos,
                      rung,
                      null));
            }
          } else if (rung < LADDER_KBPS.length - 1 && rnd.nextDouble() < 0.2) {
            rung++;
            events.add(
                event(
                    session,
                    s,
                    events.size(),
                    ViewerEventType.BITRATE_SWITCH,
                    region,
                    asset,
                    device,
                    t,
                    pos,
                    rung,
                    null));
          }
          if (rnd.nextDouble() < 0.01) {
            events.add(
                event(
                    session,
                    s,
                    events.size(),
                    ViewerEventType.ERROR,
                    region,
                    asset,
                    device,
                    t,
                    pos,
                    rung,
                    true));
            failed = true;
          } else {
            events.add(
                event(
                    session,
                    s,
                    events.size(),
                    ViewerEventType.HEARTBEAT,
                    region,
                    asset,
                    device,
                    t,
                    pos,
                    rung,
                    null));
          }
        }
        if (!failed) {
          events.add(
              event(
                  session,
                  s,
                  events.size(),
                  ViewerEventType.END,
                  region,
                  asset,
                  device,
                  t + 1000,
                  pos,
                  rung,
                  null));
        }
      }
      for (ViewerEvent e : events) {
        out.add(new Line(e.sessionId(), Json.string(e), null));
      }
      if (s % 25 == 7) {
        out.add(malformed(rnd, events.get(0), s));
      }
    }
    return out;
  }

  static ViewerEvent event(
      String session,
      int s,
      int seq,
      ViewerEventType type,
      String region,
      String asset,
      String device,
      long t,
      double pos,
      int rung,
      Boolean fatal) {
    return new ViewerEvent(
        ViewerEvent.VERSION,
        ViewerEvent.idFor(session, type, t, seq),
        type,
        session,
        "viewer-" + (s % 97),
        asset,
        region,
        "edge-" + region,
        device,
        t,
        pos,
        LADDER_KBPS[rung],
        type == ViewerEventType.STALL_START ? 0L : 6000L,
        LADDER_KBPS[rung] * 3,
        type == ViewerEventType.STALL_START,
        type == ViewerEventType.PLAY_REQUEST,
        fatal,
        fatal == null ? null : "MEDIA_ERR_DECODE");
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
