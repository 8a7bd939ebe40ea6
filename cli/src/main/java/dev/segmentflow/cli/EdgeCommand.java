package dev.segmentflow.cli;

import dev.segmentflow.edge.EdgeConfig;
import dev.segmentflow.edge.EdgeServer;
import dev.segmentflow.localservices.Infra;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code segmentflow edge [--config edge.properties] [--port 8080] [--<setting> value ...]}. */
@Command(
    name = "edge",
    mixinStandardHelpOptions = true,
    description = {
      "Run the HLS edge: serves <origin>/<asset>/... as /hls/<asset>/..., reports every request",
      "to edge.requests, takes CMCD and POST /beacon into viewer.events, obeys cdn.directives.",
      "Settings (file or flags): port, edge-id, region, public-url, origin, s3-endpoint,",
      "s3-access-key, s3-secret-key, cache-bytes, cache-policy (s3fifo|lru), bootstrap-servers,",
      "spool-dir, signing-secret, bind-token-to-ip, prefetch-concurrency,",
      "prefetch-bytes-per-second, pathways (id=url;region;latencyMs,...), max-in-flight, ...",
      "Without bootstrap-servers or origin it uses those of 'segmentflow infra up' under --dir."
    })
final class EdgeCommand implements Callable<Integer> {
  @Option(names = "--dir", description = "the infrastructure folder (default: ${DEFAULT-VALUE})")
  Path dir = Path.of(".segmentflow");

  @Unmatched List<String> settings = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> args = new ArrayList<>(settings);
    if (!args.contains("--bootstrap-servers")) {
      Infra.read(dir)
          .ifPresent(
              i -> {
                args.add("--bootstrap-servers");
                args.add(i.kafkaBootstrap());
              });
    }
    if (!args.contains("--origin")) {
      args.add("--origin");
      args.add(dir.resolve("origin").toAbsolutePath().toUri().toString());
    }
    if (!args.contains("--spool-dir")) {
      args.add("--spool-dir");
      args.add(dir.resolve("edge-spool").toString());
    }
    EdgeConfig config = EdgeConfig.fromArgs(args.toArray(String[]::new));
    CountDownLatch stopped = new CountDownLatch(1);
    EdgeServer edge = new EdgeServer(config, Clock.systemUTC()).start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("edge: stopping (finishing requests, flushing the log)");
                  edge.close();
                  stopped.countDown();
                }));
    System.out.printf(
        "edge %s (%s) on http://localhost:%d/hls/<asset>/master.m3u8 from %s; signed URLs %s%n",
        config.edgeId(),
        config.region(),
        edge.port(),
        config.origin().baseUri(),
        config.signingSecret() == null ? "off" : "on");
    stopped.await();
    return 0;
  }
}
