package dev.segmentflow.transcode.hls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.schemas.events.Packaging;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MediaPlaylistTest {
  private static PlaylistEntry seg(int seq, double d, long bytes, boolean last, Packaging p) {
    return new PlaylistEntry(
        "a1",
        "360p",
        p,
        seq,
        d,
        bytes,
        640,
        360,
        24,
        "avc1.4d401e,mp4a.40.2",
        false,
        last,
        false,
        0);
  }

  private static PlaylistEntry live(int seq, double d) {
    return new PlaylistEntry(
        "a1",
        "360p",
        Packaging.TS,
        seq,
        d,
        1000,
        640,
        360,
        24,
        "avc1.4d401e",
        true,
        false,
        false,
        0);
  }

  private static List<String> uris(String text) {
    return text.lines().filter(l -> !l.startsWith("#")).toList();
  }

  @Test
  void ordersSegmentsWhateverOrderTheyArriveIn() {
    var r =
        MediaPlaylist.render(
            List.of(
                seg(2, 6, 3000, true, Packaging.TS),
                seg(0, 6, 6000, false, Packaging.TS),
                seg(1, 6, 4500, false, Packaging.TS)),
            30,
            0);
    assertThat(uris(r.text())).containsExactly("000000.ts", "000001.ts", "000002.ts");
    assertThat(r.text()).contains("#EXT-X-PLAYLIST-TYPE:VOD").endsWith("#EXT-X-ENDLIST\n");
    assertThat(PlaylistRules.media(r.text())).isEmpty();
    // peak = 6000 B * 8 / 6 s; average = 13500 B * 8 / 18 s
    assertThat(r.summary().peakBitsPerSecond()).isEqualTo(8000);
    assertThat(r.summary().averageBitsPerSecond()).isEqualTo(6000);
    assertThat(r.summary().complete()).isTrue();
  }

  @Test
  void publishesOnlyTheGapFreeRunAndEndsOnlyWhenComplete() {
    var entries = new ArrayList<PlaylistEntry>();
    entries.add(seg(0, 6, 10, false, Packaging.TS));
    entries.add(seg(2, 6, 10, true, Packaging.TS));
    var r = MediaPlaylist.render(entries, 30, 0);
    assertThat(uris(r.text())).containsExactly("000000.ts");
    assertThat(r.text()).contains("#EXT-X-PLAYLIST-TYPE:EVENT").doesNotContain("ENDLIST");
    assertThat(PlaylistRules.media(r.text())).isEmpty();

    assertThat(MediaPlaylist.render(List.of(seg(1, 6, 10, false, Packaging.TS)), 30, 0).text())
        .isEmpty();
  }

  @Test
  void aFailedSegmentBecomesADiscontinuityNotAWait() {
    var r =
        MediaPlaylist.render(
            List.of(
                seg(0, 6, 10, false, Packaging.TS),
                PlaylistEntry.failed("a1", "360p", Packaging.TS, 1, false, false, 0),
                seg(2, 4, 10, true, Packaging.TS)),
            30,
            0);
    assertThat(r.text())
        .contains("000000.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:4.000,\n000002.ts\n#EXT-X-ENDLIST");
    assertThat(PlaylistRules.media(r.text())).isEmpty();
  }

  @Test
  void targetDurationCoversEveryRoundedExtinf() {
    // 6.5 rounds to 7 (RFC 8216: the rounded EXTINF must not exceed the target).
    var r =
        MediaPlaylist.render(
            List.of(seg(0, 6.5, 10, false, Packaging.TS), seg(1, 5.4996, 10, true, Packaging.TS)),
            30,
            0);
    assertThat(r.text()).contains("#EXT-X-TARGETDURATION:7");
    assertThat(r.text()).contains("#EXTINF:5.500,");
    assertThat(PlaylistRules.media(r.text())).isEmpty();
  }

  @Test
  void fmp4PlaylistsMapTheInitSegmentAtVersionSix() {
    var r = MediaPlaylist.render(List.of(seg(0, 6, 10, true, Packaging.FMP4)), 30, 0);
    assertThat(r.text()).contains("#EXT-X-VERSION:6").contains("#EXT-X-MAP:URI=\"init.mp4\"");
    assertThat(uris(r.text())).containsExactly("000000.m4s");
    assertThat(PlaylistRules.media(r.text())).isEmpty();
    assertThat(PlaylistRules.media(r.text().replace("#EXT-X-VERSION:6", "#EXT-X-VERSION:3")))
        .anySatisfy(v -> assertThat(v).contains("needs at least 6"));
  }

  @Test
  void liveKeepsAtLeastThreeTargetDurations() {
    var entries = new ArrayList<PlaylistEntry>();
    for (int i = 0; i < 20; i++) {
      entries.add(live(i, 6));
    }
    var r = MediaPlaylist.render(entries, 10, 0);
    // window asked 10 s, but the floor is 3 x 6 s = 18 s: the newest three segments
    assertThat(uris(r.text())).containsExactly("000017.ts", "000018.ts", "000019.ts");
    assertThat(r.text())
        .contains("#EXT-X-MEDIA-SEQUENCE:17")
        .doesNotContain("ENDLIST")
        .doesNotContain("PLAYLIST-TYPE");
    assertThat(r.firstShown()).isEqualTo(17);
    assertThat(PlaylistRules.media(r.text())).isEmpty();

    var wide = MediaPlaylist.render(entries, 30, 0);
    assertThat(uris(wide.text())).hasSize(5);
  }

  @Test
  void aLiveStreamThatEndedSaysSoWithEndlist() {
    var entries = new ArrayList<PlaylistEntry>();
    for (int i = 0; i < 5; i++) {
      entries.add(live(i, 6));
    }
    assertThat(MediaPlaylist.render(entries, 18, 0).text()).doesNotContain("ENDLIST");
    entries.add(
        new PlaylistEntry(
            "a1",
            "360p",
            Packaging.TS,
            5,
            6,
            1000,
            640,
            360,
            24,
            "avc1.4d401e",
            true,
            true,
            false,
            0));
    var r = MediaPlaylist.render(entries, 18, 0);
    assertThat(r.text()).endsWith("000005.ts\n#EXT-X-ENDLIST\n").doesNotContain("PLAYLIST-TYPE");
    assertThat(uris(r.text())).containsExactly("000003.ts", "000004.ts", "000005.ts");
    assertThat(PlaylistRules.media(r.text())).isEmpty();
  }

  @Test
  void liveTargetDurationNeverShrinksWhenItsLongestSegmentLeavesTheWindow() {
    var entries = new ArrayList<PlaylistEntry>();
    entries.add(live(0, 8.4));
    for (int i = 1; i < 10; i++) {
      entries.add(live(i, 6));
    }
    var first = MediaPlaylist.render(entries.subList(0, 2), 10, 0);
    assertThat(first.targetDuration()).isEqualTo(8);
    // the 8.4 s segment has left the window; unpinned, the target would drop to 6
    assertThat(MediaPlaylist.render(entries, 10, 0).text()).contains("#EXT-X-TARGETDURATION:8");
    // what the live writer keeps once the window has moved past sequence 5
    var pinned = MediaPlaylist.render(entries.subList(5, 10), 10, 5, first.targetDuration());
    assertThat(pinned.text()).contains("#EXT-X-TARGETDURATION:8");
    assertThat(pinned.targetDuration()).isEqualTo(8);
    assertThat(MediaPlaylist.render(entries.subList(5, 10), 10, 5).text())
        .contains("#EXT-X-TARGETDURATION:6");
  }

  @Test
  void capturedSegmentsCarryProgramDateTimeAtTheStartAndAfterEachHole() {
    long t0 = 1_763_700_000_000L;
    var entries = new ArrayList<PlaylistEntry>();
    for (int i = 0; i < 4; i++) {
      PlaylistEntry e = live(i, 6);
      entries.add(
          i == 2
              ? PlaylistEntry.failed("a1", "360p", Packaging.TS, 2, true, false, t0 + 12_000)
              : withCapture(e, t0 + i * 6_000L));
    }
    var r = MediaPlaylist.render(entries, 60, 0);
    assertThat(r.text())
        .contains("#EXT-X-PROGRAM-DATE-TIME:2025-11-21T04:40:00.000Z\n#EXTINF:6.000,\n000000.ts")
        .contains(
            "#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2025-11-21T04:40:18.000Z\n"
                + "#EXTINF:6.000,\n000003.ts");
    assertThat(r.text().split("PROGRAM-DATE-TIME", -1)).hasSize(3);
    assertThat(PlaylistRules.media(r.text())).isEmpty();
    assertThat(
            PlaylistRules.media(
                r.text().replace("2025-11-21T04:40:00.000Z", "2025-11-21 04:40:00")))
        .anySatisfy(v -> assertThat(v).contains("ISO 8601"));
  }

  static PlaylistEntry withCapture(PlaylistEntry e, long capturedAtMillis) {
    return new PlaylistEntry(
        e.assetId(),
        e.rendition(),
        e.packaging(),
        e.sequence(),
        e.durationSeconds(),
        e.bytes(),
        e.width(),
        e.height(),
        e.frameRate(),
        e.codecs(),
        e.live(),
        e.lastSegment(),
        e.failed(),
        capturedAtMillis);
  }

  @Test
  void rulesCatchWhatTheyShould() {
    String bad =
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:0\n"
            + "#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:6.600,\na.ts\n#EXTINF:6.000,\na.ts\n";
    assertThat(PlaylistRules.media(bad))
        .anySatisfy(v -> assertThat(v).contains("rounds above"))
        .anySatisfy(v -> assertThat(v).contains("listed twice"))
        .anySatisfy(v -> assertThat(v).contains("without EXT-X-ENDLIST"));
  }

  @Test
  void masterListsEveryRenditionWithItsAttributes() {
    var low = MediaPlaylist.render(List.of(seg(0, 6, 6000, true, Packaging.TS)), 30, 0).summary();
    var high =
        new MediaPlaylist.Summary(
            "a1",
            "720p",
            Packaging.TS,
            1280,
            720,
            23.976,
            "avc1.64001f,mp4a.40.2",
            3_000_000,
            2_400_000,
            1,
            true);
    String m = MasterPlaylist.render(List.of(high, low));
    assertThat(m)
        .contains(
            "#EXT-X-STREAM-INF:BANDWIDTH=8000,AVERAGE-BANDWIDTH=8000,RESOLUTION=640x360,"
                + "CODECS=\"avc1.4d401e,mp4a.40.2\",FRAME-RATE=24.000\n360p/index.m3u8\n")
        .contains("FRAME-RATE=23.976\n720p/index.m3u8");
    assertThat(m.indexOf("360p")).isLessThan(m.indexOf("720p"));
    assertThat(PlaylistRules.master(m)).isEmpty();
    assertThat(
            PlaylistRules.master(
                m.replace("AVERAGE-BANDWIDTH=2400000", "AVERAGE-BANDWIDTH=9000000")))
        .isNotEmpty();
  }
}
