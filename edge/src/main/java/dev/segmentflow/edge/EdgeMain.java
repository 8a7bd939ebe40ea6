package dev.segmentflow.edge;

import java.time.Clock;

/** {@code java dev.segmentflow.edge.EdgeMain [--config edge.properties] [--port 8080] ...}. */
public final class EdgeMain {
  private EdgeMain() {}

  public static void main(String[] args) throws Exception {
    EdgeConfig config = EdgeConfig.fromArgs(args);
    EdgeServer edge = new EdgeServer(config, Clock.systemUTC()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(edge::close, "edge-shutdown"));
    System.out.printf(
        "edge %s (%s) serving %s on :%d; cache %d MiB %s; signed URLs %s%n",
        config.edgeId(),
        config.region(),
        config.origin().baseUri(),
        edge.port(),
        config.cacheBytes() >> 20,
        config.cachePolicy(),
        config.signingSecret() == null ? "off" : "on");
    Thread.currentThread().join();
  }
}
