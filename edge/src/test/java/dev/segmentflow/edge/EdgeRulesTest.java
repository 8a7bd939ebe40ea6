package dev.segmentflow.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.segmentflow.schemas.events.EdgeRequest.ObjectType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The edge's plain-Java rules: paths, CMCD, tokens, ranges, freshness, rewriting, steering. */
class EdgeRulesTest {
  @Test
  void servesOnlyTheShapesTheTranscoderWrites() {
    assertThat(HlsObject.parse("/hls/a1/master.m3u8").object().orElseThrow().type())
        .isEqualTo(ObjectType.MASTER_PLAYLIST);
    HlsObject seg = HlsObject.parse("/hls/a1/360p/000012.m4s").object().orElseThrow();
    assertThat(seg.type()).isEqualTo(ObjectType.SEGMENT);
    assertThat(seg.sequence()).isEqualTo(12);
    assertThat(seg.rendition()).isEqualTo("360p");
    assertThat(seg.contentType()).isEqualTo("video/mp4");
    assertThat(HlsObject.parse("/hls/a1/360p/000012.ts").object().orElseThrow().contentType())
        .isEqualTo("video/mp2t");
    assertThat(HlsObject.parse("/hls/a1/360p/index-fmp4.m3u8").object().orElseThrow().contentType())
        .isEqualTo("application/vnd.apple.mpegurl");
    assertThat(HlsObject.parse("/hls/ev/replay-1-2.m3u8").object()).isPresent();
    assertThat(HlsObject.parse("/hls/a1/360p/init.mp4").object().orElseThrow().type())
        .isEqualTo(ObjectType.INIT_SEGMENT);
    for (String notServed :
        List.of(
            "/hls/a1/source/000000.mkv",
            "/hls/a1/source/000000.ts",
            "/hls/a1/archive/360p/ts-000000.json",
            "/hls/a1/360p/000000.mkv",
            "/hls/a1/x/y/000000.ts",
            "/hls/a1",
            "/other/a1/master.m3u8")) {
      assertThat(HlsObject.parse(notServed).refusal())
          .as(notServed)
          .isEqualTo(HlsObject.Refusal.NOT_SERVED);
    }
    for (String malformed :
        List.of(
            "/hls/../etc/passwd",
            "/hls/a1/../../etc/passwd",
            "/hls/%2e%2e/etc/passwd",
            "/hls/a1/360p/000000.ts%00",
            "/hls/.hidden/master.m3u8",
            "/hls//master.m3u8",
            "/hls/a1/360p/000000.ts;x",
            "/hls/a1/" + "x".repeat(600))) {
      assertThat(HlsObject.parse(malformed).refusal())
          .as(malformed)
          .isEqualTo(HlsObject.Refusal.MALFORMED);
    }
  }

  @Test
  void parsesCmcdPerCta5004() throws Exception {
    Cmcd c =
        Cmcd.parse(
            "bl=21300,br=3200,bs,cid=\"faec5fc2-ac30-11eabb37-0242ac130002\",d=4004,mtp=25400,"
                + "ot=v,rtp=15000,sid=\"6e2fb550-c457-11e9-bb97-0800200c9a66\",su,tb=6000");
    assertThat(c.integer("bl")).isEqualTo(21300);
    assertThat(c.integer("br")).isEqualTo(3200);
    assertThat(c.flag("bs")).isTrue();
    assertThat(c.flag("su")).isTrue();
    assertThat(c.string("ot")).isEqualTo("v");
    assertThat(c.sessionId()).isEqualTo("6e2fb550-c457-11e9-bb97-0800200c9a66");
    assertThat(c.contentId()).isEqualTo("faec5fc2-ac30-11eabb37-0242ac130002");
    assertThat(Cmcd.parse("sid=\"a\\\"b,c\",com.example-x=1").sessionId()).isEqualTo("a\"b,c");
    assertThat(Cmcd.parse(Cmcd.sessionHeader("a\"b\\c")).sessionId()).isEqualTo("a\"b\\c");

    Cmcd merged =
        Cmcd.of(
            "bl=100",
            Map.of(
                "CMCD-Request",
                "bl=900,mtp=500",
                "CMCD-Session",
                "sid=\"s1\"",
                "CMCD-Status",
                "bs"));
    assertThat(merged.integer("bl")).isEqualTo(100); // the query wins
    assertThat(merged.integer("mtp")).isEqualTo(500);
    assertThat(merged.sessionId()).isEqualTo("s1");
    assertThat(merged.flag("bs")).isTrue();

    for (String bad :
        List.of(
            "bl=abc",
            "bl=-5",
            "br",
            "bs=1",
            "sid=\"unterminated",
            "sid=\"x\"junk",
            "BL=5",
            "bl=1,bl=2",
            "sid=\"" + "x".repeat(65) + "\"",
            "ot=\u00e9",
            "=5")) {
      assertThatThrownBy(() -> Cmcd.parse(bad)).as(bad).isInstanceOf(Cmcd.Malformed.class);
    }
  }

  @Test
  void tokensGrantOneAssetUntilTheyExpire() {
    UrlSigner s = new UrlSigner("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8), false);
    String t = s.sign("/hls/a1/", 2000, null);
    assertThat(s.check(t, "/hls/a1/", "10.0.0.1", 1999)).isEqualTo(UrlSigner.Check.OK);
    assertThat(s.check(t, "/hls/a1/", "10.0.0.1", 2000)).isEqualTo(UrlSigner.Check.EXPIRED);
    assertThat(s.check(t, "/hls/a2/", "10.0.0.1", 1999)).isEqualTo(UrlSigner.Check.BAD_SIGNATURE);
    assertThat(s.check("3000" + t.substring(4), "/hls/a1/", null, 1999))
        .isEqualTo(UrlSigner.Check.BAD_SIGNATURE); // a later expiry with the old MAC
    char last = t.charAt(t.length() - 1);
    assertThat(
            s.check(
                t.substring(0, t.length() - 1) + (last == 'A' ? 'B' : 'A'), "/hls/a1/", null, 1))
        .isEqualTo(UrlSigner.Check.BAD_SIGNATURE);
    assertThat(s.check(null, "/hls/a1/", null, 1)).isEqualTo(UrlSigner.Check.MISSING);
    assertThat(s.check("garbage", "/hls/a1/", null, 1)).isEqualTo(UrlSigner.Check.MALFORMED);

    UrlSigner bound = new UrlSigner("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8), true);
    String b = bound.sign("/hls/a1/", 2000, "10.0.0.1");
    assertThat(bound.check(b, "/hls/a1/", "10.0.0.1", 1)).isEqualTo(UrlSigner.Check.OK);
    assertThat(bound.check(b, "/hls/a1/", "10.0.0.2", 1)).isEqualTo(UrlSigner.Check.BAD_SIGNATURE);
    assertThatThrownBy(() -> new UrlSigner(new byte[8], false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void resolvesByteRanges() {
    assertThat(ByteRange.resolve(Optional.empty(), 100)).isInstanceOf(ByteRange.Whole.class);
    assertThat(ByteRange.resolve(Optional.of("bytes=0-9"), 100))
        .isEqualTo(new ByteRange.Partial(new ByteRange(0, 9)));
    assertThat(ByteRange.resolve(Optional.of("bytes=90-"), 100))
        .isEqualTo(new ByteRange.Partial(new ByteRange(90, 99)));
    assertThat(ByteRange.resolve(Optional.of("bytes=-10"), 100))
        .isEqualTo(new ByteRange.Partial(new ByteRange(90, 99)));
    assertThat(ByteRange.resolve(Optional.of("bytes=50-500"), 100))
        .isEqualTo(new ByteRange.Partial(new ByteRange(50, 99)));
    assertThat(ByteRange.resolve(Optional.of("bytes=0-1,5-6"), 100))
        .isInstanceOf(ByteRange.Whole.class);
    for (String bad :
        List.of("bytes=100-", "bytes=9-5", "bytes=-0", "items=0-5", "bytes=x-1", "bytes=-")) {
      assertThat(ByteRange.resolve(Optional.of(bad), 100))
          .as(bad)
          .isInstanceOf(ByteRange.Unsatisfiable.class);
    }
  }

  @Test
  void freshnessFollowsWhatChanges() {
    Freshness.Rules rules = Freshness.Rules.defaults();
    HlsObject seg = HlsObject.parse("/hls/a1/360p/000001.ts").object().orElseThrow();
    HlsObject media = HlsObject.parse("/hls/a1/360p/index.m3u8").object().orElseThrow();
    HlsObject master = HlsObject.parse("/hls/a1/master.m3u8").object().orElseThrow();
    assertThat(Freshness.of(seg, new byte[1], null, rules).cacheControl())
        .isEqualTo("public, max-age=31536000, immutable");
    assertThat(Freshness.of(seg, new byte[1], Duration.ofHours(1), rules).cacheControl())
        .isEqualTo("public, max-age=3600, immutable");
    // A segment's bytes never change: a TTL directive is passed on, never a reason to refetch.
    assertThat(Freshness.of(seg, new byte[1], Duration.ofHours(1), rules).ttl())
        .isEqualTo(rules.segment());
    byte[] live = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.000,\n000001.ts\n".getBytes();
    assertThat(Freshness.of(media, live, Duration.ofHours(24), rules).cacheControl())
        .isEqualTo("public, max-age=3");
    byte[] vod = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-ENDLIST\n".getBytes();
    assertThat(Freshness.of(media, vod, null, rules).ttl()).isEqualTo(Duration.ofDays(1));
    assertThat(Freshness.of(media, vod, Duration.ofHours(12), rules).ttl())
        .isEqualTo(Duration.ofHours(12));
    assertThat(Freshness.of(master, vod, null, rules).ttl()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void rewritesPlaylistsForTokensAndSteering() {
    String media =
        "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:6.000,\n000000.m4s\n#EXT-X-ENDLIST\n";
    assertThat(PlaylistRewriter.withToken(media, "9.abc"))
        .isEqualTo(
            "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-MAP:URI=\"init.mp4?token=9.abc\"\n#EXTINF:6.000,\n"
                + "000000.m4s?token=9.abc\n#EXT-X-ENDLIST\n");
    String master =
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n"
            + "#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\n360p/index.m3u8\n";
    var a = new ContentSteering.Pathway("eu-1", "http://e1:8080", "eu", 10);
    var b = new ContentSteering.Pathway("us-1", "http://e2:8080", "us", 10);
    String steered =
        PlaylistRewriter.steered(master, List.of(a, b), "/hls/a1/", "http://e1:8080/steering/a1");
    assertThat(steered)
        .contains(
            "#EXT-X-CONTENT-STEERING:SERVER-URI=\"http://e1:8080/steering/a1\",PATHWAY-ID=\"eu-1\"\n")
        .contains(
            "BANDWIDTH=800000,RESOLUTION=640x360,PATHWAY-ID=\"eu-1\"\nhttp://e1:8080/hls/a1/360p/index.m3u8\n")
        .contains(
            "BANDWIDTH=800000,RESOLUTION=640x360,PATHWAY-ID=\"us-1\"\nhttp://e2:8080/hls/a1/360p/index.m3u8\n");
  }

  @Test
  void steeringPrefersNearHealthyIdleEdgesThatHoldTheAsset() {
    ContentSteering s = new ContentSteering(ContentSteering.Weights.defaults());
    var eu = new ContentSteering.Pathway("eu-1", "http://e1", "eu", 10);
    var eu2 = new ContentSteering.Pathway("eu-2", "http://e2", "eu", 10);
    var us = new ContentSteering.Pathway("us-1", "http://e3", "us", 10);
    List<ContentSteering.State> states =
        List.of(
            new ContentSteering.State(eu, true, 0.1, Set.of()),
            new ContentSteering.State(eu2, true, 0.1, Set.of("a1")),
            new ContentSteering.State(us, true, 0.0, Set.of("a1")));
    assertThat(s.priority(states, "eu", "a1")).containsExactly("eu-2", "eu-1", "us-1");
    assertThat(s.priority(states, "us", "a1")).containsExactly("us-1", "eu-2", "eu-1");
    // a busy edge loses to an idle one nearby; an unhealthy one is not offered at all
    List<ContentSteering.State> busy =
        List.of(
            new ContentSteering.State(eu, true, 0.0, Set.of("a1")),
            new ContentSteering.State(eu2, true, 1.0, Set.of("a1")),
            new ContentSteering.State(us, false, 0.0, Set.of("a1")));
    assertThat(s.priority(busy, "eu", "a1")).containsExactly("eu-1", "eu-2");
    assertThat(ContentSteering.manifest(List.of("eu-1", "eu-2"), 300, "http://e1/steering/a1"))
        .isEqualTo(
            "{\"VERSION\":1,\"TTL\":300,\"RELOAD-URI\":\"http://e1/steering/a1\",\"PATHWAY-PRIORITY\":[\"eu-1\",\"eu-2\"]}");
  }
}
