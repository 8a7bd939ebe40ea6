package dev.segmentflow.schemas.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segmentflow.schemas.Contracts;
import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one-pass reader against the tree path it stands in for: on valid events and on every kind of
 * damage an intake sees, {@code validate} answers exactly as {@code validateTree} does (the same
 * record, or the same violations in the same order), and valid events never fall back to the tree.
 */
class FlatRecordReaderTest {
  private static final long NOW = EventValidatorTest.NOW;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final EventValidator<ViewerEvent> viewer =
      new EventValidator<>(
          ViewerEvent.class, EventValidatorTest.CLOCK, Duration.ofMinutes(5), 1 << 16);
  private final EventValidator<EdgeRequest> edge =
      new EventValidator<>(
          EdgeRequest.class, EventValidatorTest.CLOCK, Duration.ofMinutes(5), 1 << 16);

  @Test
  void theIntakeContractsAreReadInOnePass() {
    FlatRecordReader<ViewerEvent> viewerReader =
        FlatRecordReader.of(
            ViewerEvent.class, Contracts.of(ViewerEvent.class).rules(), "schemaVersion");
    FlatRecordReader<EdgeRequest> edgeReader =
        FlatRecordReader.of(
            EdgeRequest.class, Contracts.of(EdgeRequest.class).rules(), "schemaVersion");
    assertThat(viewerReader).isNotNull();
    assertThat(edgeReader).isNotNull();
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      byte[] v = Json.bytes(viewerEvent(random, i));
      byte[] e = Json.bytes(edgeRequest(random, i));
      assertThat(viewerReader.read(v, NOW, 300_000)).isInstanceOf(Validation.Valid.class);
      assertThat(edgeReader.read(e, NOW, 300_000)).isInstanceOf(Validation.Valid.class);
    }
  }

  @Test
  void aRecordWithAnArrayFieldIsNotFlat() {
    JsonSchemaRules rules =
        JsonSchemaRules.parse(
            Json.MAPPER
                .createObjectNode()
                .put("type", "object")
                .set(
                    "properties",
                    NODES
                        .objectNode()
                        .<ObjectNode>set("schemaVersion", NODES.objectNode().put("type", "integer"))
                        .set("tags", NODES.objectNode().put("type", "array"))));
    record Tagged(int schemaVersion, List<String> tags) {}
    assertThat(FlatRecordReader.of(Tagged.class, rules, "schemaVersion")).isNull();
  }

  @Test
  void everyDamagedViewerEventIsJudgedAsTheTreeJudgesIt() {
    Random random = new Random(42);
    int invalid = 0;
    for (int i = 0; i < 20_000; i++) {
      ObjectNode event = Json.MAPPER.valueToTree(viewerEvent(random, i));
      byte[] payload = damage(event, random);
      Validation<ViewerEvent> flat = viewer.validate(payload);
      assertThat(flat)
          .as(new String(payload, StandardCharsets.UTF_8))
          .isEqualTo(viewer.validateTree(payload));
      invalid += flat.isValid() ? 0 : 1;
    }
    // The damage is real: most inputs are refused, and some are not.
    assertThat(invalid).isBetween(10_000, 19_000);
  }

  @Test
  void everyDamagedEdgeRequestIsJudgedAsTheTreeJudgesIt() {
    Random random = new Random(43);
    for (int i = 0; i < 20_000; i++) {
      ObjectNode request = Json.MAPPER.valueToTree(edgeRequest(random, i));
      byte[] payload = damage(request, random);
      assertThat(edge.validate(payload))
          .as(new String(payload, StandardCharsets.UTF_8))
          .isEqualTo(edge.validateTree(payload));
    }
  }

  /** One or two kinds of damage an intake topic sees, or none. */
  private static byte[] damage(ObjectNode event, Random random) {
    List<String> names = new ArrayList<>();
    event.fieldNames().forEachRemaining(names::add);
    names.add("schemaVersion");
    names.add("playerWidth");
    names.add("segmentSequence");
    int kinds = random.nextInt(3);
    String tail = "";
    for (int k = 0; k < kinds; k++) {
      String f = names.get(random.nextInt(names.size()));
      switch (random.nextInt(22)) {
        case 0 -> event.remove(f);
        case 1 -> event.putNull(f);
        case 2 -> event.put(f, 17);
        case 3 -> event.put(f, "17");
        case 4 -> event.put(f, 2.5);
        case 5 -> event.put(f, 1.0);
        case 6 -> event.put(f, true);
        case 7 -> event.put(f, new BigInteger("123456789012345678901234567890"));
        case 8 -> event.put(f, 3_000_000_000L);
        case 9 -> event.put(f, -1);
        case 10 -> event.put(f, "");
        case 11 -> event.put(f, "x".repeat(random.nextInt(3000)));
        case 12 -> event.put(f, "Heartbeat");
        case 13 -> event.set(f, NODES.objectNode().put("a", 1));
        case 14 -> event.set(f, NODES.arrayNode().add(1).add("b"));
        case 15 ->
            event.set("unknown" + k, NODES.objectNode().set("deep", NODES.arrayNode().add(1)));
        case 16 -> event.put(f, NOW + 3_600_000);
        case 17 -> event.put(f, 2);
        case 18 -> tail = random.nextBoolean() ? " {\"b\":2}" : " garbage";
        case 19 -> tail = "\u00e9t\u00e9 \uD83C\uDFAC";
        case 20 -> event.put(f, 1e300);
        default -> event.put(f, "\u00e9t\u00e9 \uD83C\uDFAC");
      }
    }
    byte[] bytes = (Json.string(event) + tail).getBytes(StandardCharsets.UTF_8);
    return switch (random.nextInt(40)) {
      case 0 -> java.util.Arrays.copyOf(bytes, 1 + random.nextInt(bytes.length - 1));
      case 1 -> "[1,2]".getBytes(StandardCharsets.UTF_8);
      case 2 -> duplicateKey(bytes);
      default -> bytes;
    };
  }

  /** The same object with its first field given twice: the later value is the one that counts. */
  private static byte[] duplicateKey(byte[] json) {
    String s = new String(json, StandardCharsets.UTF_8);
    return ("{\"schemaVersion\":\"one\"," + s.substring(1)).getBytes(StandardCharsets.UTF_8);
  }

  static ViewerEvent viewerEvent(Random r, int i) {
    ViewerEventType[] types = ViewerEventType.values();
    return new ViewerEvent(
        1,
        "e-" + i,
        types[r.nextInt(types.length)],
        "s-" + r.nextInt(100),
        "v-" + r.nextInt(100),
        "a-" + r.nextInt(10),
        "eu",
        r.nextBoolean() ? "edge-1" : null,
        r.nextBoolean() ? "tv" : null,
        NOW - r.nextInt(1_000_000),
        r.nextBoolean() ? r.nextDouble() * 3600 : null,
        r.nextBoolean() ? (long) r.nextInt(10_000) : null,
        r.nextBoolean() ? (long) r.nextInt(60_000) : null,
        r.nextBoolean() ? (long) r.nextInt(100_000) : null,
        r.nextBoolean() ? r.nextBoolean() : null,
        r.nextBoolean() ? r.nextBoolean() : null,
        r.nextBoolean() ? r.nextBoolean() : null,
        r.nextBoolean() ? "E" + r.nextInt(5) : null,
        r.nextBoolean() ? 1 + r.nextInt(4000) : null,
        r.nextBoolean() ? 1 + r.nextInt(4000) : null,
        r.nextBoolean() ? 1 + r.nextInt(4000) : null,
        r.nextBoolean() ? 1 + r.nextInt(4000) : null);
  }

  static EdgeRequest edgeRequest(Random r, int i) {
    EdgeRequest.ObjectType[] objects = EdgeRequest.ObjectType.values();
    EdgeRequest.CacheStatus[] statuses = EdgeRequest.CacheStatus.values();
    boolean miss = r.nextBoolean();
    return new EdgeRequest(
        1,
        "r-" + i,
        "edge-1",
        "eu",
        r.nextBoolean() ? "GET" : EdgeRequest.PREFETCH_METHOD,
        "/vod/a-1/480p/seg_" + i + ".ts",
        r.nextBoolean() ? "a-1" : null,
        r.nextBoolean() ? "480p" : null,
        r.nextBoolean() ? r.nextInt(1000) : null,
        objects[r.nextInt(objects.length)],
        200 + r.nextInt(300),
        statuses[r.nextInt(statuses.length)],
        r.nextInt(2_000_000),
        r.nextInt(100_000),
        miss ? (long) r.nextInt(100_000) : null,
        r.nextBoolean() ? "s-" + r.nextInt(100) : null,
        NOW - r.nextInt(1_000_000));
  }
}
