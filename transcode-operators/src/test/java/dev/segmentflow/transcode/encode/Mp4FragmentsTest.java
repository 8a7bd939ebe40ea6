package dev.segmentflow.transcode.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.segmentflow.transcode.ffmpeg.FfmpegTools;
import dev.segmentflow.transcode.ffmpeg.TestClips;
import dev.segmentflow.transcode.probe.MediaProber;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Mp4FragmentsTest {
  private static byte[] box(String type, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
    b.putInt(8 + payload.length).put(type.getBytes(StandardCharsets.ISO_8859_1)).put(payload);
    return b.array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  void splitsInitFromMediaAndReadsTheCodecString() {
    // avcC: version 1, profile 0x64 (High), compatibility 0x00, level 0x1f (3.1)
    byte[] avcC = box("avcC", new byte[] {1, 0x64, 0x00, 0x1f, (byte) 0xff});
    byte[] init = concat(box("ftyp", new byte[8]), box("moov", avcC));
    byte[] media = concat(box("moof", new byte[16]), box("mdat", new byte[32]));
    Mp4Fragments.Split s = Mp4Fragments.split(concat(init, media));
    assertThat(s.init()).isEqualTo(init);
    assertThat(s.media()).isEqualTo(media);
    assertThat(Mp4Fragments.avcCodec(s.init())).hasValue("avc1.64001f");
  }

  @Test
  void refusesFilesThatAreNotFragmented() {
    byte[] plain =
        concat(box("ftyp", new byte[8]), box("moov", new byte[8]), box("mdat", new byte[8]));
    assertThatThrownBy(() -> Mp4Fragments.split(plain)).hasMessageContaining("no media fragment");
    byte[] noMoov = concat(box("ftyp", new byte[8]), box("moof", new byte[8]));
    assertThatThrownBy(() -> Mp4Fragments.split(noMoov)).hasMessageContaining("before moov");
    byte[] truncated = java.util.Arrays.copyOf(plain, 20);
    assertThatThrownBy(() -> Mp4Fragments.split(truncated))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsTheVideoSamplesOfARealFragmentedFileAsFfprobeCountsThem(@TempDir Path dir)
      throws Exception {
    FfmpegTools tools = FfmpegTools.bundled();
    Path file =
        TestClips.threeSeconds(
            tools,
            dir.resolve("f.mp4"),
            List.of(
                "-c:v",
                "libx264",
                "-bf",
                "3",
                "-g",
                "30",
                "-c:a",
                "aac",
                "-movflags",
                "+frag_keyframe+empty_moov+default_base_moof"));
    Mp4Fragments.VideoSamples v =
        Mp4Fragments.videoSamples(Mp4Fragments.split(Files.readAllBytes(file)));
    int packets = new MediaProber(tools, Duration.ofMinutes(1)).videoPackets(file).size();
    assertThat(packets).isEqualTo(75);
    assertThat(v.count()).isEqualTo(packets);
    assertThat(v.firstIsSync()).isTrue();
    assertThat(v.durationSeconds()).isCloseTo(3.0, within(1e-6));
  }

  @Test
  void refusesInitSegmentsWithoutAVideoTrack() {
    byte[] init = concat(box("ftyp", new byte[8]), box("moov", box("mvhd", new byte[100])));
    byte[] media = concat(box("moof", new byte[16]), box("mdat", new byte[32]));
    assertThatThrownBy(() -> Mp4Fragments.videoSamples(new Mp4Fragments.Split(init, media)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no video track");
  }
}
