package dev.segmentflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.clickhouse.ClickHouseJdbc;
import dev.segmentflow.schemas.clickhouse.ClickHouseMigrator;
import dev.segmentflow.schemas.clickhouse.IntakeTables;
import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import dev.segmentflow.schemas.flink.KafkaEndpoints;
import dev.segmentflow.schemas.kafka.TopicCreator;
import dev.segmentflow.schemas.validation.ReasonCode;
import dev.segmentflow.testkit.FlinkMiniCluster;
import dev.segmentflow.testkit.RealServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * kcat (an outside client) -> real broker -> validating job on the MiniCluster -> ClickHouse rows
 * for valid events, events.dlq and dead_letters for malformed ones, each with the right reason.
 */
@ExtendWith(RealServices.class)
class EventIntakeEndToEndTest {
  static final String DB = "intake_e2e";

  @Test
  void validEventsLandInClickHouseAndMalformedOnesInTheDeadLetterTopic(
      KafkaBroker kafka, ClickHouseServer clickHouse, FlinkMiniCluster flink, @TempDir Path tmp)
      throws Exception {
    TopicCreator.ensureAll(kafka.bootstrapServers());
    clickHouse.query("CREATE DATABASE IF NOT EXISTS " + DB);
    String jdbcUrl = clickHouse.jdbcUrl(DB);
    try (Connection c = ClickHouseJdbc.connect(jdbcUrl)) {
      ClickHouseMigrator.bundled().migrate(c);
    }

    long now = System.currentTimeMillis();
    List<ViewerEvent> valid = new ArrayList<>();
    ViewerEventType[] flow = {
      ViewerEventType.PLAY_REQUEST, ViewerEventType.FIRST_FRAME, ViewerEventType.HEARTBEAT,
      ViewerEventType.STALL_START, ViewerEventType.STALL_END, ViewerEventType.BITRATE_SWITCH,
      ViewerEventType.HEARTBEAT, ViewerEventType.END
    };
    for (int s = 0; s < 25; s++) {
      for (int i = 0; i < flow.length; i++) {
        long t = now - 600_000 + s * 1000L + i * 4000L;
        valid.add(
            new ViewerEvent(
                1,
                "ev-" + s + "-" + i,
                flow[i],
                "sess-" + s,
                "viewer-" + (s % 7),
                "asset-" + (s % 3),
                s % 2 == 0 ? "eu-west" : "us-east",
                "edge-" + (s % 2),
                "web",
                t,
                i * 4.0,
                1500L + 500L * (i % 3),
                4000L,
                8000L,
                flow[i] == ViewerEventType.STALL_START,
                i == 0,
                null,
                null,
                null,
                null,
                null,
                null));
      }
    }
    ViewerEvent sample = valid.get(0);
    Map<String, ReasonCode> malformed = new LinkedHashMap<>();
    malformed.put("{\"schemaVersion\":1,", ReasonCode.MALFORMED_JSON);
    malformed.put("hello from a broken player", ReasonCode.MALFORMED_JSON);
    malformed.put("[1,2,3]", ReasonCode.NOT_AN_OBJECT);
    malformed.put(
        edit(sample, n -> n.put("schemaVersion", 7).put("eventId", "m1")),
        ReasonCode.UNKNOWN_SCHEMA_VERSION);
    malformed.put(
        edit(sample, n -> n.put("eventTimeMillis", "now").put("eventId", "m2")),
        ReasonCode.WRONG_TYPE);
    malformed.put(
        edit(sample, n -> n.put("bitrateKbps", "fast").put("eventId", "m3")),
        ReasonCode.WRONG_TYPE);
    malformed.put(
        edit(sample, n -> n.put("type", "buffering").put("eventId", "m4")),
        ReasonCode.UNKNOWN_ENUM_VALUE);
    malformed.put(edit(sample, n -> n.remove("sessionId")), ReasonCode.MISSING_FIELD);
    malformed.put(
        edit(sample, n -> n.put("positionSeconds", -3).put("eventId", "m5")),
        ReasonCode.OUT_OF_RANGE);
    malformed.put(
        edit(sample, n -> n.put("eventTimeMillis", now + 86_400_000L).put("eventId", "m6")),
        ReasonCode.CLOCK_SKEW);

    // Interleave, so that bad input sits between good input on every partition.
    List<String> lines = new ArrayList<>();
    var bad = new ArrayList<>(malformed.keySet());
    for (int i = 0; i < valid.size(); i++) {
      lines.add(Json.string(valid.get(i)));
      if (i % 20 == 5 && !bad.isEmpty()) {
        lines.add(bad.remove(0));
      }
    }
    lines.addAll(bad);
    Path input = tmp.resolve("events.jsonl");
    Files.write(input, lines, StandardCharsets.UTF_8);
    kcat(tmp, input, "-P", "-b", kafka.bootstrapServers(), "-t", Topics.VIEWER_EVENTS);

    var env = flink.environment(2);
    env.enableCheckpointing(500);
    EventIntakeJob.build(
        EventIntakeJob.raw(
            env,
            KafkaEndpoints.rawSource(
                kafka.bootstrapServers(), Topics.VIEWER_EVENTS, "intake-e2e", true),
            "viewer.events"),
        IntakeTables.viewerEvents(jdbcUrl),
        KafkaEndpoints.jsonSink(
            kafka.bootstrapServers(), Topics.EVENTS_DLQ, DeadLetter::sourceTopic, "intake-e2e-dlq"),
        IntakeTables.deadLetters(jdbcUrl));
    env.execute("event-intake-e2e");

    assertThat(clickHouse.query("SELECT count() FROM " + DB + ".viewer_events FINAL").trim())
        .isEqualTo(Integer.toString(valid.size()));
    assertThat(
            clickHouse
                .query("SELECT count(DISTINCT session_id) FROM " + DB + ".viewer_events")
                .trim())
        .isEqualTo("25");
    assertThat(
            clickHouse.query("SELECT sum(buffer_starvation) FROM " + DB + ".viewer_events").trim())
        .isEqualTo("25");

    // The dead-letter topic, read by the outside client as a committed reader.
    String out =
        kcat(
            tmp,
            null,
            "-C",
            "-b",
            kafka.bootstrapServers(),
            "-t",
            Topics.EVENTS_DLQ,
            "-o",
            "beginning",
            "-e",
            "-q",
            "-X",
            "isolation.level=read_committed",
            "-f",
            "%s\\n");
    Map<String, ReasonCode> seen = new HashMap<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        DeadLetter d = Json.read(line.getBytes(StandardCharsets.UTF_8), DeadLetter.class);
        assertThat(d.sourceTopic()).isEqualTo(Topics.VIEWER_EVENTS);
        assertThat(seen.put(d.payload(), d.reason())).as("one letter per input").isNull();
      }
    }
    assertThat(seen).isEqualTo(malformed);

    Map<String, Long> expectedByReason = new TreeMap<>();
    malformed.values().forEach(r -> expectedByReason.merge(r.name(), 1L, Long::sum));
    Map<String, Long> tableByReason = new TreeMap<>();
    for (String row :
        clickHouse
            .query("SELECT reason, count() FROM " + DB + ".dead_letters FINAL GROUP BY reason")
            .split("\n")) {
      if (!row.isBlank()) {
        String[] cols = row.split("\t");
        tableByReason.put(cols[0], Long.parseLong(cols[1]));
      }
    }
    assertThat(tableByReason).isEqualTo(expectedByReason);
    assertThat(valid.size() + seen.size()).isEqualTo(lines.size());
  }

  static String edit(ViewerEvent e, Consumer<ObjectNode> change) {
    ObjectNode n = Json.MAPPER.valueToTree(e);
    change.accept(n);
    return Json.string(n);
  }

  static String kcat(Path dir, Path stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kcat"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("kcat.err").toFile());
    if (stdin != null) {
      pb.redirectInput(stdin.toFile());
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("kcat.err"))).isZero();
    return out;
  }
}
