package dev.segmentflow.transcode.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.segmentflow.schemas.events.Packaging;
import dev.segmentflow.transcode.store.OriginStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayManifestTest {
  private static final long T0 = 1_763_700_000_000L;

  @TempDir Path dir;

  private static PlaylistEntry captured(String rendition, int seq, Packaging p) {
    return new PlaylistEntry(
        "ev",
        rendition,
        p,
        seq,
        6,
        6000,
        640,
        360,
        25,
        "avc1.4d401e",
        true,
        false,
        false,
        T0 + seq * 6_000L);
  }

  private static List<String> uris(String text) {
    return text.lines().filter(l -> !l.startsWith("#")).toList();
  }

  @Test
  void archiveKeepsOneEntryPerSequenceAcrossChunks() throws Exception {
    try (OriginStore store = OriginStore.open(OriginStore.Config.local(dir))) {
      ArchiveIndex.record(store, captured("360p", 99, Packaging.TS));
      ArchiveIndex.record(store, captured("360p", 100, Packaging.TS));
      ArchiveIndex.record(store, captured("360p", 100, Packaging.TS));
      ArchiveIndex.record(
          store, PlaylistEntry.failed("ev", "360p", Packaging.TS, 101, true, false, 0));
      ArchiveIndex.record(store, captured("360p", 101, Packaging.TS)); // a retry that worked
      ArchiveIndex.record(store, captured("360p", 5, Packaging.FMP4));
      assertThat(store.list("ev/archive"))
          .containsExactly(
              "ev/archive/360p/fmp4-000000.json",
              "ev/archive/360p/ts-000000.json",
              "ev/archive/360p/ts-000001.json");
      Map<String, List<PlaylistEntry>> ts = ArchiveIndex.read(store, "ev", Packaging.TS);
      assertThat(ts.get("360p")).extracting(PlaylistEntry::sequence).containsExactly(99, 100, 101);
      assertThat(ts.get("360p")).noneMatch(PlaylistEntry::failed);
      assertThat(ArchiveIndex.read(store, "ev", Packaging.FMP4).get("360p")).hasSize(1);
      assertThat(ArchiveIndex.read(store, "other", Packaging.TS)).isEmpty();
    }
  }

  @Test
  void replaysTheSegmentsCapturedInTheRangeWithHolesAsDiscontinuities() throws Exception {
    try (OriginStore store = OriginStore.open(OriginStore.Config.local(dir))) {
      for (String r : List.of("360p", "240p")) {
        for (int seq = 0; seq < 10; seq++) {
          if (seq == 6) {
            continue; // never archived (lost): still a hole, not a join
          }
          ArchiveIndex.record(
              store,
              seq == 4
                  ? PlaylistEntry.failed("ev", r, Packaging.TS, 4, true, false, T0 + 24_000)
                  : captured(r, seq, Packaging.TS));
        }
      }
      var archive = ArchiveIndex.read(store, "ev", Packaging.TS);
      // 00:00:13 .. 00:00:45 after T0: segment 2 (12-18 s) through segment 7 (42-48 s)
      Instant from = Instant.ofEpochMilli(T0 + 13_000);
      Instant to = Instant.ofEpochMilli(T0 + 45_000);
      ReplayManifest.Replay replay = ReplayManifest.build("ev", archive, Packaging.TS, from, to);

      String name = "replay-1763700013-1763700045";
      assertThat(replay.name()).isEqualTo(name);
      assertThat(replay.playlists().keySet())
          .containsExactlyInAnyOrder(
              "ev/240p/" + name + ".m3u8", "ev/360p/" + name + ".m3u8", "ev/" + name + ".m3u8");
      String media = replay.playlists().get("ev/360p/" + name + ".m3u8");
      assertThat(uris(media)).containsExactly("000002.ts", "000003.ts", "000005.ts", "000007.ts");
      assertThat(media)
          .contains("#EXT-X-MEDIA-SEQUENCE:2")
          .contains("#EXT-X-PLAYLIST-TYPE:VOD")
          .contains("#EXT-X-PROGRAM-DATE-TIME:2025-11-21T04:40:12.000Z")
          .contains("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2025-11-21T04:40:30.000Z")
          .contains("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2025-11-21T04:40:42.000Z")
          .endsWith("#EXT-X-ENDLIST\n");
      assertThat(PlaylistRules.media(media)).isEmpty();
      String master = replay.playlists().get(replay.masterKey());
      assertThat(uris(master))
          .containsExactlyInAnyOrder("360p/" + name + ".m3u8", "240p/" + name + ".m3u8");
      assertThat(PlaylistRules.master(master)).isEmpty();
      assertThat(replay.renditions()).isEqualTo(2);
      assertThat(replay.segments()).isEqualTo(4);
      assertThat(replay.seconds()).isEqualTo(24.0);
      assertThat(replay.firstCaptured()).isEqualTo(Instant.ofEpochMilli(T0 + 12_000));
    }
  }

  @Test
  void refusesEmptyRangesAndRangesWithNothingCaptured() {
    Map<String, List<PlaylistEntry>> archive =
        Map.of("360p", List.of(captured("360p", 0, Packaging.TS)));
    Instant t = Instant.ofEpochMilli(T0);
    assertThatThrownBy(() -> ReplayManifest.build("ev", archive, Packaging.TS, t, t))
        .hasMessageContaining("empty");
    assertThatThrownBy(
            () ->
                ReplayManifest.build(
                    "ev", archive, Packaging.TS, t.plusSeconds(6), t.plusSeconds(60)))
        .hasMessageContaining("no archived live segment");
    // a VOD asset's entries have no capture time and are never picked
    var vod =
        Map.of(
            "360p",
            List.of(
                new PlaylistEntry(
                    "ev",
                    "360p",
                    Packaging.TS,
                    0,
                    6,
                    1,
                    640,
                    360,
                    25,
                    "avc1",
                    false,
                    true,
                    false,
                    0)));
    assertThatThrownBy(
            () -> ReplayManifest.build("ev", vod, Packaging.TS, Instant.EPOCH, t.plusSeconds(600)))
        .hasMessageContaining("no archived live segment");
  }
}
