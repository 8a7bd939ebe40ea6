package dev.segmentflow.bench;

import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.localservices.FlinkSessionCluster;
import dev.segmentflow.localservices.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code bench/planner-e2e}: {@link PlannerEdgeTrial} over a compressed day, with the planner edge
 * and an S3-FIFO edge side by side, on a broker, a ClickHouse server and a session cluster of its
 * own. Last line: {@code simulated_bhr=<x> edge_bhr=<y> diff_points=<100*(y-x)>
 * edge_vs_s3fifo_points=<planner edge - S3-FIFO edge>}.
 *
 * <p>Arguments: [seed (42)] [titles (16)] [sessions a day (3000)] [hours (24)] [speed (180)].
 */
public final class PlannerEdgeBench {
  private PlannerEdgeBench() {}

  public static void main(String[] args) throws Exception {
    long seed = args.length > 0 ? Long.parseLong(args[0]) : 42;
    int titles = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    int perDay = args.length > 2 ? Integer.parseInt(args[2]) : 3000;
    int hours = args.length > 3 ? Integer.parseInt(args[3]) : 24;
    double speed = args.length > 4 ? Double.parseDouble(args[4]) : 180;
    PlannerEdgeTrial.Spec spec =
        new PlannerEdgeTrial.Spec(seed, titles, perDay, Duration.ofHours(hours), speed, 0.05, true);
    Path dir = Files.createTempDirectory("planner-e2e");
    System.err.printf(
        Locale.ROOT,
        "planner-e2e: seed %d, %d titles, %d sessions a day, %d h at %.0fx, cache at 5%%%n",
        seed,
        titles,
        perDay,
        hours,
        speed);
    try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"));
        ClickHouseServer clickHouse = ClickHouseServer.start(dir.resolve("clickhouse"));
        FlinkSessionCluster cluster = FlinkSessionCluster.start(dir.resolve("flink"), 2)) {
      PlannerEdgeTrial.Result r =
          new PlannerEdgeTrial(spec, dir.resolve("trial"), System.err)
              .run(kafka, clickHouse, cluster);
      System.out.printf(
          Locale.ROOT,
          "| edge | byte hit ratio (edge) | byte hit ratio (simulator) |%n"
              + "|------|------|------|%n"
              + "| planner | %.4f | %.4f |%n"
              + "| S3-FIFO | %.4f | %.4f |%n",
          r.plannerEdge().byteHitRatio(),
          r.simulatedBhr(),
          r.s3fifoEdge().byteHitRatio(),
          r.simulatedS3FifoBhr());
      System.out.println(r.line());
    }
  }
}
