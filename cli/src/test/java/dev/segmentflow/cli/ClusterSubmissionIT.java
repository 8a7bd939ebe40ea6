package dev.segmentflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.analytics.qoe.MinuteSlice;
import dev.segmentflow.analytics.qoe.SessionStateMachine;
import dev.segmentflow.analytics.recs.Title;
import dev.segmentflow.analytics.recs.WatchedSession;
import dev.segmentflow.cache.popularity.PopularityConfig;
import dev.segmentflow.cache.popularity.PopularityLoop;
import dev.segmentflow.cache.workload.TraceEvents;
import dev.segmentflow.cache.workload.VideoWorkload;
import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.localservices.FlinkSessionCluster;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.localservices.S3Server;
import dev.segmentflow.recs.sim.TasteClusters;
import dev.segmentflow.recs.sim.WorldRecords;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics.TopicSpec;
import dev.segmentflow.schemas.clickhouse.ClickHouseJdbc;
import dev.segmentflow.schemas.clickhouse.ClickHouseMigrator;
import dev.segmentflow.schemas.events.AssetCatalogueEntry;
import dev.segmentflow.schemas.events.Directive;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.SourceSegment;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import dev.segmentflow.schemas.kafka.TopicCreator;
import dev.segmentflow.testkit.RealServices;
import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.ingest.SampleMedia;
import dev.segmentflow.transcode.ingest.SourceIngest;
import dev.segmentflow.transcode.ingest.SourceSplitter;
import dev.segmentflow.transcode.store.OriginStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each shaded job jar, as built by {@code package}, submitted to a standalone session cluster
 * through Flink's REST API the way {@code segmentflow submit} and {@code flink run} do: it must
 * reach RUNNING and process input, stop with a savepoint, take input while it is stopped, and
 * resume from the savepoint with nothing lost.
 */
@ExtendWith(RealServices.class)
class ClusterSubmissionIT {
  static final Duration WAIT = Duration.ofSeconds(150);
  static FlinkSessionCluster cluster;
  static FlinkRestClient flink;
  static KafkaBroker kafka;
  static ClickHouseServer clickHouse;

  @BeforeAll
  static void startCluster(KafkaBroker broker, ClickHouseServer ch) throws Exception {
    kafka = broker;
    clickHouse = ch;
    TopicCreator.ensureAll(kafka.bootstrapServers());
    Path build = Path.of(System.getProperty("segmentflow.build.dir", "target"));
    cluster =
        FlinkSessionCluster.start(
            build.resolve("flink-session-" + ProcessHandle.current().pid()), 4);
    flink = new FlinkRestClient(cluster.restUrl());
  }

  /** A failed test must not leave its job holding the cluster's slots. */
  @AfterEach
  void cancelLeftovers() {
    for (String id : flink.activeJobs()) {
      flink.cancel(id);
    }
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void eventIntakeKeepsEveryEventAcrossStopAndResume() throws Exception {
    String db = database("it_intake");
    String topic = topic("it.intake.events", 2, "sessionId");
    String edgeTopic = topic("it.intake.requests", 2, "edgeId");
    long now = System.currentTimeMillis();
    List<SampleViewerEvents.Line> first = SampleViewerEvents.generate(1, 150, now - 1_200_000);
    List<SampleViewerEvents.Line> second = SampleViewerEvents.generate(2, 150, now - 600_000);
    List<ProducerRecord<String, String>> requests =
        edgeRequests(edgeTopic, VideoWorkload.Spec.standard(3).sized(5, 20));
    int half = requests.size() / 2;
    List<String> args =
        args(db, "--topic", topic, "--edge-topic", edgeTopic, "--group-id", "it-intake");

    Lifecycle job = new Lifecycle("event-intake", args);
    job.start();
    kafka.produce(lines(topic, first));
    kafka.produce(requests.subList(0, half));
    await("first half in viewer_events", () -> count(db, "viewer_events") == valid(first));
    await("first half in edge_requests", () -> count(db, "edge_requests") == half);
    job.stopAndResume(
        () -> {
          kafka.produce(lines(topic, second));
          kafka.produce(requests.subList(half, requests.size()));
          kafka.produce(List.of(new ProducerRecord<>(edgeTopic, "bad", "{\"schemaVersion\":1}")));
        });
    await(
        "both halves in viewer_events",
        () -> count(db, "viewer_events") == valid(first) + valid(second));
    await("both halves in edge_requests", () -> count(db, "edge_requests") == requests.size());
    Map<String, Long> expected = reasons(first);
    reasons(second).forEach((k, v) -> expected.merge(k, v, Long::sum));
    await("every malformed event dead-lettered", () -> deadLetters(db, topic).equals(expected));
    await(
        "the malformed request dead-lettered",
        () -> deadLetters(db, edgeTopic).values().stream().mapToLong(Long::longValue).sum() == 1);
    job.cancel();
  }

  /**
   * Catch-up: ten minutes of events pile up while the job is stopped, on four partitions at skewed
   * rates; each partition holds its events in time order, as players write them, but the test
   * writes one whole partition after the other, so the topic as a whole is far from time-sorted.
   * The job resumes from its savepoint with parallelism 1, one source reading all four: with
   * watermarks per partition no valid event may come out LATE, and every session must be closed.
   */
  @Test
  void qoeJobClosesEverySessionAcrossStopAndResume() throws Exception {
    String db = database("it_qoe");
    String topic = topic("it.qoe.events", 4, "sessionId");
    long base = System.currentTimeMillis() - 4 * 3_600_000L;
    List<SampleViewerEvents.Line> first = SampleViewerEvents.generate(3, 120, base);
    List<SampleViewerEvents.Line> second = SampleViewerEvents.generate(4, 120, base + 600_000);
    Lifecycle job =
        new Lifecycle(
            "qoe",
            args(db, "--viewer-topic", topic, "--group-id", "it-qoe", "--idleness-seconds", "5"));
    job.start();
    kafka.produce(partitionAfterPartition(topic, first));
    // Sessions of the first half close once later events carry the watermark past them.
    await("first sessions in qoe_sessions", () -> count(db, "qoe_sessions") > 0);
    job.stopAndResume(
        () -> {
          kafka.produce(partitionAfterPartition(topic, second));
          // One event an hour later on each partition moves event time past every session.
          List<ProducerRecord<String, String>> flush = new ArrayList<>();
          for (int p = 0; p < SKEW.length; p++) {
            flush.add(flushEvent(topic, p, base + 3_600_000));
          }
          kafka.produce(flush);
        },
        1);
    TreeSet<String> sessions = new TreeSet<>(sessionsOf(first));
    sessions.addAll(sessionsOf(second));
    await(
        "every session of both halves in qoe_sessions",
        () ->
            query(
                    "SELECT DISTINCT session_id FROM "
                        + db
                        + ".qoe_sessions FINAL WHERE session_id NOT LIKE 'flush-%'")
                .equals(sessions));
    Map<String, Long> expected = reasons(first);
    reasons(second).forEach((k, v) -> expected.merge(k, v, Long::sum));
    long letters = expected.values().stream().mapToLong(Long::longValue).sum();
    await(
        "the dead letters",
        () -> deadLetters(db).values().stream().mapToLong(Long::longValue).sum() >= letters);
    assertThat(deadLetters(db))
        .as("every malformed event once, and no valid event LATE")
        .isEqualTo(expected);
    // Minutes too: play and stall time per minute as the session machine computes them from each
    // session's valid events in time order, outside Flink (minutes with neither left out: an exit
    // found by the inactivity timeout lands in the minute event time had reached, with no time).
    TreeSet<String> minutes = minuteTruth(first, second);
    assertThat(minutes).as("minutes with play or stall time").isNotEmpty();
    await(
        "every minute's play and stall time in qoe_minute",
        () ->
            query(
                    "SELECT toUnixTimestamp(minute), sum(play_ms), sum(stall_ms) FROM "
                        + db
                        + ".qoe_minute FINAL WHERE minute < toDateTime("
                        + (base + 3_600_000) / 1000
                        + ") GROUP BY minute HAVING sum(play_ms) + sum(stall_ms) > 0")
                .equals(minutes));
    job.cancel();
  }

  /** Play and stall ms per minute ("epoch-seconds\tplay\tstall") of the valid sample events. */
  @SafeVarargs
  static TreeSet<String> minuteTruth(List<SampleViewerEvents.Line>... halves) {
    Map<String, List<ViewerEvent>> bySession = new TreeMap<>();
    for (List<SampleViewerEvents.Line> half : halves) {
      for (SampleViewerEvents.Line l : half) {
        if (l.expected() == null) {
          ViewerEvent e =
              Json.read(
                  l.json().getBytes(java.nio.charset.StandardCharsets.UTF_8), ViewerEvent.class);
          bySession.computeIfAbsent(e.sessionId(), k -> new ArrayList<>()).add(e);
        }
      }
    }
    TreeMap<Long, long[]> perMinute = new TreeMap<>();
    for (List<ViewerEvent> events : bySession.values()) {
      events.sort(SessionStateMachine.EVENT_ORDER);
      SessionStateMachine m = new SessionStateMachine();
      events.forEach(m::apply);
      for (MinuteSlice slice : m.drainSlices(Long.MAX_VALUE)) {
        long[] sums = perMinute.computeIfAbsent(slice.minuteStartMillis, k -> new long[2]);
        sums[0] += slice.playMs;
        sums[1] += slice.stallMs;
      }
    }
    TreeSet<String> out = new TreeSet<>();
    perMinute.forEach(
        (minute, sums) -> {
          if (sums[0] + sums[1] > 0) {
            out.add(minute / 1000 + "\t" + sums[0] + "\t" + sums[1]);
          }
        });
    return out;
  }

  /**
   * Shares of the sessions per partition: skewed, so partitions are read to their ends unevenly.
   */
  static final int[] SKEW = {55, 25, 12, 8};

  /** The partition of {@link #SKEW} a key lands on. */
  static int skewedPartition(String key) {
    int draw = Math.floorMod(key.hashCode(), 100);
    int p = 0;
    for (int cumulative = SKEW[0]; draw >= cumulative; cumulative += SKEW[++p]) {}
    return p;
  }

  /**
   * The lines on {@link #SKEW}'s partitions, each partition's in time order, written one whole
   * partition after another.
   */
  static List<ProducerRecord<String, String>> partitionAfterPartition(
      String topic, List<SampleViewerEvents.Line> lines) {
    List<List<SampleViewerEvents.Line>> parts = new ArrayList<>();
    for (int p = 0; p < SKEW.length; p++) {
      parts.add(new ArrayList<>());
    }
    for (SampleViewerEvents.Line l : lines) {
      parts.get(skewedPartition(l.key())).add(l);
    }
    List<ProducerRecord<String, String>> out = new ArrayList<>();
    for (int p = 0; p < SKEW.length; p++) {
      for (SampleViewerEvents.Line l : inTimeOrder(parts.get(p))) {
        out.add(new ProducerRecord<>(topic, p, l.key(), l.json()));
      }
    }
    return out;
  }

  /**
   * Catch-up for the popularity job: six hours of an edge's log and its players' play requests
   * reach the job, then the next ten minutes pile up while it is stopped, the log on four
   * partitions at skewed rates (each partition in time order, written one whole partition after the
   * other), and the job resumes with parallelism 1. Its directives must be exactly those of the
   * plain loop over all the input in time order, for every tick the input carries event time past:
   * a request taken for late would count in another tick and change them. No partition may pass for
   * silent within the test (idleness 10 minutes): a silent partition moves on by the length of its
   * silence, and the pause around the stop would carry event time into ticks that the piled-up part
   * still fills.
   */
  @Test
  void popularityJobIssuesTheLoopsDirectivesAcrossACatchUp() throws Exception {
    String db = database("it_popularity");
    String edgeTopic = topic("it.popularity.requests", 4, "sessionId");
    // Players' events on two partitions, one per subtask before the stop: a source subtask with no
    // partition at all would hold event time back.
    String viewerTopic = topic("it.popularity.events", 2, "sessionId");
    String directivesTopic = topic("it.popularity.directives", 1, "assetId");
    long hour = 3_600_000L;
    long split = 42 * hour; // trace time: the second day, busy in every region
    // On whole hours, so that ticks fall on the same trace times in every run.
    long base = (System.currentTimeMillis() / hour - 48) * hour;
    List<EdgeRequest> first = new ArrayList<>();
    List<EdgeRequest> second = new ArrayList<>();
    List<ViewerEvent> firstPlays = new ArrayList<>();
    List<ViewerEvent> secondPlays = new ArrayList<>();
    Set<String> started = new HashSet<>();
    for (var r : new VideoWorkload(VideoWorkload.Spec.standard(5).sized(20, 1000)).generate()) {
      if (r.timeMillis() < split - 6 * hour || r.timeMillis() >= split + 600_000) {
        continue;
      }
      boolean before = r.timeMillis() < split;
      (before ? first : second).add(TraceEvents.edgeRequest(r, base));
      if (started.add(r.sessionId())) {
        (before ? firstPlays : secondPlays).add(TraceEvents.play(r, base + r.timeMillis() - 500));
      }
    }
    // Thresholds scaled to this small audience, as --threshold-scale does for the job.
    PopularityConfig config = PopularityConfig.defaults().withThresholdScale(0.003);
    List<EdgeRequest> requests = new ArrayList<>(first);
    requests.addAll(second);
    List<ViewerEvent> plays = new ArrayList<>(firstPlays);
    plays.addAll(secondPlays);
    plays.sort(Comparator.comparingLong(ViewerEvent::eventTimeMillis));
    List<Directive> truth = PopularityLoop.replay(config, requests, plays).directives;
    // Event time reaches the newest record of the partition that is least far along, less the
    // out-of-orderness: every tick before that one has fired.
    long reached = Long.MAX_VALUE;
    for (int p = 0; p < 2; p++) {
      int partition = p;
      reached =
          Math.min(
              reached,
              secondPlays.stream()
                  .filter(e -> playPartition(e) == partition)
                  .mapToLong(ViewerEvent::eventTimeMillis)
                  .max()
                  .orElseThrow());
    }
    for (int p = 0; p < SKEW.length; p++) {
      reached = Math.min(reached, newest(second, p));
    }
    long cutoff = config.tickFor(reached - 30_000) - 2 * config.tickMillis();
    TreeSet<String> expected =
        truth.stream()
            .filter(d -> d.issuedAtMillis() <= cutoff)
            .map(Directive::directiveId)
            .collect(Collectors.toCollection(TreeSet::new));
    long middle = base + split;
    assertThat(truth)
        .as("a trace that earns directives on both sides of the stop")
        .anyMatch(d -> d.issuedAtMillis() < middle)
        .anyMatch(d -> d.issuedAtMillis() > middle && d.issuedAtMillis() <= cutoff);

    Lifecycle job =
        new Lifecycle(
            "popularity",
            args(
                db,
                "--edge-topic",
                edgeTopic,
                "--viewer-topic",
                viewerTopic,
                "--group-id",
                "it-popularity",
                "--directives-topic",
                directivesTopic,
                "--threshold-scale",
                "0.003",
                "--idleness-seconds",
                "600"));
    job.start();
    kafka.produce(plays(viewerTopic, firstPlays));
    kafka.produce(requestsPartitionAfterPartition(edgeTopic, first));
    await("scores of the first six hours", () -> count(db, "popularity") > 0);
    assertThat(deadLetters(db)).as("a clean trace").isEmpty();
    job.stopAndResume(
        () -> {
          kafka.produce(plays(viewerTopic, secondPlays));
          kafka.produce(requestsPartitionAfterPartition(edgeTopic, second));
        },
        1);
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    TreeSet<String> issued;
    do {
      Thread.sleep(1000);
      issued =
          query(
              "SELECT directive_id FROM "
                  + db
                  + ".cdn_directives FINAL WHERE issued_at <= toDateTime("
                  + cutoff / 1000
                  + ")");
    } while (!issued.equals(expected) && System.nanoTime() < deadline);
    assertThat(issued).as("the loop's directives up to the last tick passed").isEqualTo(expected);
    assertThat(deadLetters(db)).as("no LATE letters, nothing else").isEmpty();
    job.cancel();
  }

  /** The newest request on {@link #SKEW}'s partition {@code p}. */
  static long newest(List<EdgeRequest> requests, int p) {
    return requests.stream()
        .filter(r -> skewedPartition(r.sessionId()) == p)
        .mapToLong(EdgeRequest::requestTimeMillis)
        .max()
        .orElseThrow();
  }

  static int playPartition(ViewerEvent e) {
    return Math.floorMod(e.sessionId().hashCode(), 2);
  }

  static List<ProducerRecord<String, String>> plays(String topic, List<ViewerEvent> plays) {
    List<ProducerRecord<String, String>> out = new ArrayList<>();
    for (ViewerEvent e : plays) {
      out.add(new ProducerRecord<>(topic, playPartition(e), e.sessionId(), Json.string(e)));
    }
    return out;
  }

  /**
   * Requests on {@link #SKEW}'s partitions by session, written one whole partition after another.
   */
  static List<ProducerRecord<String, String>> requestsPartitionAfterPartition(
      String topic, List<EdgeRequest> requests) {
    List<ProducerRecord<String, String>> out = new ArrayList<>();
    for (int p = 0; p < SKEW.length; p++) {
      for (EdgeRequest r : requests) {
        if (skewedPartition(r.sessionId()) == p) {
          out.add(new ProducerRecord<>(topic, p, r.sessionId(), Json.string(r)));
        }
      }
    }
    return out;
  }

  @Test
  void recommendationJobKeepsItsModelAcrossStopAndResume() throws Exception {
    String db = database("it_recs");
    String topic = topic("it.recs.events", 2, "sessionId");
    String catalogue = topic("it.recs.catalogue", 1, "assetId");
    long day = 86_400_000L;
    long start = System.currentTimeMillis() - 3 * day;
    TasteClusters world =
        new TasteClusters(new TasteClusters.Spec(5, 60, 4, 6, 20, 80, 4, 8, 0.8, start, 2 * day));
    List<WatchedSession> sessions = new ArrayList<>(world.sessions);
    sessions.sort((a, b) -> Long.compare(a.endMillis(), b.endMillis()));
    int half = sessions.size() / 2;
    long middle = sessions.get(half).endMillis();
    List<ProducerRecord<String, String>> titles = new ArrayList<>();
    for (Title t : world.titles) {
      titles.add(new ProducerRecord<>(catalogue, t.assetId, Json.string(entry(t))));
    }
    Lifecycle job =
        new Lifecycle(
            "recommendation",
            args(
                db,
                "--viewer-topic",
                topic,
                "--catalogue-topic",
                catalogue,
                "--group-id",
                "it-recs",
                "--inactivity-seconds",
                "600",
                "--idleness-seconds",
                "5"));
    job.start();
    kafka.produce(titles);
    kafka.produce(views(topic, sessions.subList(0, half)));
    await("lists from the first half", () -> count(db, "recommendation_lists") > 0);
    job.stopAndResume(() -> kafka.produce(views(topic, sessions.subList(half, sessions.size()))));
    await(
        "lists computed from views sent while the job was stopped",
        () ->
            Long.parseLong(
                    clickHouse
                        .query(
                            "SELECT count() FROM "
                                + db
                                + ".recommendation_lists FINAL WHERE toUInt64(computed_at) * 1000 > "
                                + (middle + 600_000))
                        .strip())
                > 0);
    job.cancel();
  }

  @Test
  void transcodeJobRendersSegmentsFromBeforeAndAfterTheStop(S3Server s3, @TempDir Path dir)
      throws Exception {
    String db = database("it_transcode");
    String topic = topic("it.transcode.source", 2, "assetId");
    String origin = "s3a://" + s3.bucket() + "/cluster-it";
    OriginStore.Config store =
        OriginStore.Config.s3(origin, s3.endpoint(), S3Server.ACCESS_KEY, S3Server.SECRET_KEY);
    List<SourceSegment> a;
    List<SourceSegment> b;
    try (OriginStore o = OriginStore.open(store)) {
      SourceIngest ingest =
          new SourceIngest(
              new SourceSplitter(FfmpegTools.bundled(), Duration.ofMinutes(5)),
              o,
              System::currentTimeMillis,
              t -> {});
      Path clipA = SampleMedia.synthetic(dir.resolve("a.mp4"), 8, 320, 240, 24, true);
      Path clipB = SampleMedia.synthetic(dir.resolve("b.mp4"), 8, 320, 240, 24, true);
      a = ingest.ingest(clipA, "clip-a", false, 4, dir.resolve("a"), e -> {}, s -> {});
      b = ingest.ingest(clipB, "clip-b", false, 4, dir.resolve("b"), e -> {}, s -> {});
    }
    Lifecycle job =
        new Lifecycle(
            "transcode",
            args(
                db,
                "--source-topic",
                topic,
                "--group-id",
                "it-transcode",
                "--origin",
                origin,
                "--s3-endpoint",
                s3.endpoint(),
                "--s3-access-key",
                S3Server.ACCESS_KEY,
                "--s3-secret-key",
                S3Server.SECRET_KEY,
                "--rungs",
                "240p,360p",
                "--preset",
                "ultrafast",
                "--gpu",
                "off"));
    job.start();
    kafka.produce(segments(topic, a));
    await("renditions of clip-a", () -> renditions(db, "clip-a") == a.size() * 2L);
    job.stopAndResume(() -> kafka.produce(segments(topic, b)));
    await("renditions of clip-b", () -> renditions(db, "clip-b") == b.size() * 2L);
    assertThat(renditions(db, "clip-a")).isEqualTo(a.size() * 2L);
    job.cancel();
  }

  /** One job's life on the cluster: submit, stop with a savepoint, resume from it. */
  static final int PARALLELISM = 2;

  final class Lifecycle {
    final String name;
    final List<String> args;
    final Path jar;
    String jobId;

    Lifecycle(String name, List<String> args) {
      this.name = name;
      this.args = args;
      this.jar = SubmitCommand.jarOf(name);
      assertThat(jar).as("the shaded jar 'package' builds").isRegularFile();
    }

    void start() {
      jobId = submit(null, PARALLELISM);
    }

    /** Through the CLI, as a user would: {@code segmentflow submit <job> ... -- <job args>}. */
    private String submit(String savepoint, int parallelism) {
      List<String> cli =
          new ArrayList<>(
              List.of(
                  "submit",
                  name,
                  "--rest",
                  cluster.restUrl(),
                  "--jar",
                  jar.toString(),
                  "--parallelism",
                  Integer.toString(parallelism)));
      if (savepoint != null) {
        cli.addAll(List.of("--from-savepoint", savepoint));
      }
      cli.add("--");
      cli.addAll(args);
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("(?m)^([0-9a-f]{32}) RUNNING$")
              .matcher(CliRun.ok(cli.toArray(String[]::new)));
      assertThat(m.find()).as("submit prints the running job's id").isTrue();
      return m.group(1);
    }

    /**
     * Stops with a savepoint, runs {@code whileStopped}, resumes from the savepoint. Callers have
     * seen the job's output first: Flink's record counters stay at 0 for a job whose operators are
     * all chained, so they cannot show that it processed anything.
     */
    void stopAndResume(Runnable whileStopped) {
      stopAndResume(whileStopped, PARALLELISM);
    }

    /** As {@link #stopAndResume(Runnable)}, resuming with another parallelism. */
    void stopAndResume(Runnable whileStopped, int resumeParallelism) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("(?m)^savepoint: (\\S+)$")
              .matcher(
                  CliRun.ok(
                      "stop",
                      jobId,
                      "--rest",
                      cluster.restUrl(),
                      "--savepoint-dir",
                      cluster.savepointDir().toUri().toString()));
      assertThat(m.find()).as("stop prints the savepoint").isTrue();
      String savepoint = m.group(1);
      flink.awaitState(jobId, "FINISHED", Duration.ofMinutes(1));
      assertThat(Path.of(java.net.URI.create(savepoint))).isDirectory();
      whileStopped.run();
      jobId = submit(savepoint, resumeParallelism);
    }

    void cancel() {
      flink.cancel(jobId);
      flink.awaitState(jobId, "CANCELED", Duration.ofMinutes(1));
    }
  }

  static List<String> args(String db, String... jobArgs) {
    List<String> out = new ArrayList<>(Arrays.asList(jobArgs));
    out.addAll(
        List.of(
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--clickhouse-url",
            clickHouse.jdbcUrl(db),
            "--checkpoint-interval-ms",
            "1000"));
    return out;
  }

  static String database(String db) {
    clickHouse.query("CREATE DATABASE IF NOT EXISTS " + db);
    try (Connection c = ClickHouseJdbc.connect(clickHouse.jdbcUrl(db))) {
      ClickHouseMigrator.bundled().migrate(c);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return db;
  }

  static String topic(String name, int partitions, String key) throws Exception {
    TopicCreator.ensure(
        kafka.bootstrapServers(),
        List.of(new TopicSpec(name, partitions, Duration.ofDays(7), "delete", key)),
        (short) 1);
    return name;
  }

  static void await(String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.get()) {
        return;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("not seen within " + WAIT + ": " + what + "\n" + cluster.logs(80));
  }

  static long count(String db, String table) {
    return Long.parseLong(
        clickHouse.query("SELECT count() FROM " + db + "." + table + " FINAL").strip());
  }

  static long renditions(String db, String asset) {
    return Long.parseLong(
        clickHouse
            .query(
                "SELECT count() FROM " + db + ".renditions FINAL WHERE asset_id = '" + asset + "'")
            .strip());
  }

  static TreeSet<String> query(String sql) {
    return clickHouse
        .query(sql)
        .lines()
        .filter(l -> !l.isBlank())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  static Map<String, Long> deadLetters(String db) {
    return deadLetters(db, null);
  }

  static Map<String, Long> deadLetters(String db, String sourceTopic) {
    Map<String, Long> out = new TreeMap<>();
    clickHouse
        .query(
            "SELECT reason, count() FROM "
                + db
                + ".dead_letters FINAL"
                + (sourceTopic == null ? "" : " WHERE source_topic = '" + sourceTopic + "'")
                + " GROUP BY reason")
        .lines()
        .filter(l -> !l.isBlank())
        .forEach(l -> out.put(l.split("\t")[0], Long.parseLong(l.split("\t")[1])));
    return out;
  }

  static long valid(List<SampleViewerEvents.Line> lines) {
    return lines.stream().filter(l -> l.expected() == null).count();
  }

  static Map<String, Long> reasons(List<SampleViewerEvents.Line> lines) {
    Map<String, Long> out = new TreeMap<>();
    lines.stream()
        .filter(l -> l.expected() != null)
        .forEach(l -> out.merge(l.expected().name(), 1L, Long::sum));
    return out;
  }

  static List<String> sessionsOf(List<SampleViewerEvents.Line> lines) {
    return lines.stream()
        .filter(l -> l.expected() == null)
        .map(
            l ->
                Json.read(
                        l.json().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        ViewerEvent.class)
                    .sessionId())
        .distinct()
        .toList();
  }

  /**
   * The sample lists session after session; players report as time goes by, and the QoE job
   * dead-letters what is later than its out-of-orderness bound. A malformed line keeps the time of
   * the line before it.
   */
  static List<SampleViewerEvents.Line> inTimeOrder(List<SampleViewerEvents.Line> lines) {
    List<Map.Entry<Long, SampleViewerEvents.Line>> timed = new ArrayList<>();
    long last = 0;
    for (SampleViewerEvents.Line l : lines) {
      if (l.expected() == null) {
        last =
            Json.read(l.json().getBytes(java.nio.charset.StandardCharsets.UTF_8), ViewerEvent.class)
                .eventTimeMillis();
      }
      timed.add(Map.entry(last, l));
    }
    timed.sort(Map.Entry.comparingByKey());
    return timed.stream().map(Map.Entry::getValue).toList();
  }

  static List<ProducerRecord<String, String>> lines(
      String topic, List<SampleViewerEvents.Line> lines) {
    return lines.stream().map(l -> new ProducerRecord<>(topic, l.key(), l.json())).toList();
  }

  static ProducerRecord<String, String> flushEvent(String topic, int partition, long at) {
    ViewerEvent e =
        new ViewerEvent(
            ViewerEvent.VERSION,
            "flush-" + partition,
            ViewerEventType.PLAY_REQUEST,
            "flush-" + partition,
            "viewer-flush",
            "asset-0",
            "eu-west",
            "edge-eu-west-0",
            "web",
            at,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    return new ProducerRecord<>(topic, partition, e.sessionId(), Json.string(e));
  }

  /**
   * A generated workload as the edges would have logged it. It spans two days, which must lie in
   * the past: future times are dead-lettered as CLOCK_SKEW.
   */
  static List<ProducerRecord<String, String>> edgeRequests(String topic, VideoWorkload.Spec spec) {
    long base = System.currentTimeMillis() - 48 * 3_600_000L;
    List<ProducerRecord<String, String>> out = new ArrayList<>();
    for (var r : new VideoWorkload(spec).generate()) {
      var e = TraceEvents.edgeRequest(r, base);
      out.add(new ProducerRecord<>(topic, e.assetId(), Json.string(e)));
    }
    return out;
  }

  /** Player events of watched sessions: start, a heartbeat every 5 minutes, end; in time order. */
  static List<ProducerRecord<String, String>> views(String topic, List<WatchedSession> sessions) {
    List<ProducerRecord<String, String>> out = new ArrayList<>();
    for (WatchedSession s : sessions) {
      List<ViewerEvent> events = new ArrayList<>();
      events.add(WorldRecords.event(s, ViewerEventType.PLAY_REQUEST, s.startMillis(), 0.0, 0));
      int seq = 1;
      for (long t = s.startMillis() + 300_000; t < s.endMillis(); t += 300_000) {
        double at = Math.min(s.furthestSeconds(), (t - s.startMillis()) / 1000.0);
        events.add(WorldRecords.event(s, ViewerEventType.HEARTBEAT, t, at, seq++));
      }
      events.add(
          WorldRecords.event(s, ViewerEventType.END, s.endMillis(), s.furthestSeconds(), seq));
      events.forEach(e -> out.add(new ProducerRecord<>(topic, e.sessionId(), Json.string(e))));
    }
    out.sort(java.util.Comparator.comparingLong(ClusterSubmissionIT::eventTime));
    return out;
  }

  static List<ProducerRecord<String, String>> segments(String topic, List<SourceSegment> segs) {
    return segs.stream()
        .map(s -> new ProducerRecord<>(topic, s.assetId(), Json.string(s)))
        .toList();
  }

  static AssetCatalogueEntry entry(Title t) {
    return WorldRecords.entry(t);
  }

  static long eventTime(ProducerRecord<String, String> r) {
    return Json.read(r.value().getBytes(java.nio.charset.StandardCharsets.UTF_8), ViewerEvent.class)
        .eventTimeMillis();
  }
}
