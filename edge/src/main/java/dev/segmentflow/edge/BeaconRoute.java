package dev.segmentflow.edge;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code POST /beacon}: a player's JSON array of viewer events, each validated on its own. */
final class BeaconRoute implements Handler {
  private final PlayerData playerData;

  BeaconRoute(PlayerData playerData) {
    this.playerData = playerData;
  }

  @Override
  public void handle(Context ctx) {
    byte[] body = ctx.bodyAsBytes();
    if (body.length > PlayerData.MAX_BEACON_BYTES) {
      ctx.status(413).result("beacon larger than " + PlayerData.MAX_BEACON_BYTES + " bytes");
      return;
    }
    PlayerData.BeaconResult r = playerData.beacon(body);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("accepted", r.accepted());
    answer.put("rejected", r.rejected());
    if (r.malformed()) {
      answer.put("error", "a beacon is a JSON array of viewer events");
    }
    ctx.status(r.malformed() || !r.rejected().isEmpty() ? 400 : 202).json(answer);
  }
}
