package dev.segmentflow.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.segmentflow.testkit.FuzzRuns;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;

/**
 * What the edge parses from requests, fuzzed: paths, ranges, tokens, CMCD, and the playlists it
 * rewrites. Each may refuse its input, but only in the way it declares, and what it accepts must
 * keep its promise. The corpus under src/test/resources replays in every build; bench/fuzz fuzzes.
 */
class EdgeParsersFuzzTest {
  private static final UrlSigner SIGNER =
      new UrlSigner(
          "a fuzzing-only signing secret".getBytes(java.nio.charset.StandardCharsets.UTF_8), false);

  /** An accepted path names an object inside the store: no traversal, no odd characters. */
  @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
  void hlsPaths(FuzzedDataProvider data) {
    FuzzRuns.count("hlsPaths");
    String path = data.consumeRemainingAsString();
    HlsObject.Parsed p = HlsObject.parse(path);
    assertThat(p.object().isPresent()).isEqualTo(p.refusal() == null);
    p.object()
        .ifPresent(
            o -> {
              assertThat(o.key())
                  .doesNotContain("..")
                  .doesNotStartWith("/")
                  .matches("[A-Za-z0-9._/-]+");
              assertThat(o.key()).startsWith(o.assetId() + "/");
              assertThat(o.tokenScope()).isNotEmpty();
            });
  }

  /** A partial range lies inside the body, whatever the header says. */
  @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
  void ranges(FuzzedDataProvider data) {
    FuzzRuns.count("ranges");
    long total = data.consumeLong(0, 1L << 40);
    String header = data.consumeRemainingAsString();
    ByteRange.Answer a = ByteRange.resolve(Optional.of(header), total);
    if (a instanceof ByteRange.Partial partial) {
      ByteRange r = partial.range();
      assertThat(r.first()).isBetween(0L, total - 1);
      assertThat(r.last()).isBetween(r.first(), total - 1);
    }
  }

  /** A token the fuzzer made up is never accepted. */
  @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
  void tokens(FuzzedDataProvider data) {
    FuzzRuns.count("tokens");
    String prefix = data.consumeString(64);
    String ip = data.consumeString(40);
    long now = data.consumeLong(0, 4_000_000_000L);
    String token = data.consumeRemainingAsString();
    assertThat(SIGNER.check(token, prefix, ip, now)).isNotEqualTo(UrlSigner.Check.OK);
  }

  /** CMCD is parsed or refused as Malformed, nothing else. */
  @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
  void cmcd(FuzzedDataProvider data) {
    FuzzRuns.count("cmcd");
    String query = data.consumeBoolean() ? data.consumeString(512) : null;
    String header = data.consumeRemainingAsString();
    try {
      Cmcd c = Cmcd.of(query, Map.of("CMCD-Session", header));
      c.sessionId();
      c.contentId();
    } catch (Cmcd.Malformed expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  /** Rewriting a playlist keeps its lines: one out for every one in, tags still tags. */
  @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
  void playlistRewrite(FuzzedDataProvider data) {
    FuzzRuns.count("playlistRewrite");
    String token = data.consumeString(64).replaceAll("[^A-Za-z0-9._~-]", "");
    String text = data.consumeRemainingAsString();
    String out = PlaylistRewriter.withToken(text, token.isEmpty() ? "t" : token);
    String[] in = text.split("\n", -1);
    String[] rewritten = out.split("\n", -1);
    assertThat(rewritten).hasSameSizeAs(in);
    for (int i = 0; i < in.length; i++) {
      assertThat(rewritten[i].startsWith("#")).isEqualTo(in[i].startsWith("#"));
    }
  }

  @AfterAll
  static void reportExecutions() {
    FuzzRuns.print();
  }
}
