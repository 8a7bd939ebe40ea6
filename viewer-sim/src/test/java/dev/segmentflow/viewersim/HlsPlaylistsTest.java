package dev.segmentflow.viewersim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class HlsPlaylistsTest {
  @Test
  void variantsSortedByBandwidthAndResolvedAgainstTheMaster() {
    URI base = URI.create("http://edge/hls/a1/master.m3u8");
    var v =
        HlsPlaylists.master(
            base,
            "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,CODECS=\"avc1.4d401e,mp4a.40.2\"\n"
                + "360p/index.m3u8\n#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=300000,BANDWIDTH=420000\n240p/index.m3u8\n");
    assertThat(v).extracting(HlsPlaylists.Variant::bandwidthBps).containsExactly(420000L, 900000L);
    assertThat(v.get(0).uri()).isEqualTo(URI.create("http://edge/hls/a1/240p/index.m3u8"));
    // RESOLUTION when given (its players report it), 0x0 when not
    assertThat(v).extracting(x -> x.width() + "x" + x.height()).containsExactly("0x0", "640x360");
  }

  @Test
  void mediaSegmentsInitAndEnd() {
    URI base = URI.create("http://edge/hls/a1/360p/index.m3u8");
    var m =
        HlsPlaylists.media(
            base,
            "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:6.000,\n000000.m4s\n"
                + "#EXTINF:5.5,\n000001.m4s\n#EXT-X-ENDLIST\n");
    assertThat(m.init()).isEqualTo(URI.create("http://edge/hls/a1/360p/init.mp4"));
    assertThat(m.segments())
        .extracting(HlsPlaylists.Segment::durationSeconds)
        .containsExactly(6.0, 5.5);
    assertThat(m.ended()).isTrue();
  }

  @Test
  void refusesWhatIsNotAPlaylist() {
    URI base = URI.create("http://edge/x");
    assertThatThrownBy(() -> HlsPlaylists.master(base, "<html>")).hasMessageContaining("#EXTM3U");
    assertThatThrownBy(() -> HlsPlaylists.master(base, "#EXTM3U\n"))
        .hasMessageContaining("without variants");
    assertThatThrownBy(() -> HlsPlaylists.media(base, "#EXTM3U\nseg.ts\n"))
        .hasMessageContaining("without #EXTINF");
  }
}
