package dev.segmentflow.transcode.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.transcode.probe.MediaProbe;
import dev.segmentflow.transcode.probe.MediaProber.Packet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a source may be cut by stream copy, from its probe and packet list alone. */
class SourceSplitterCopyRuleTest {
  private static MediaProbe probe(String format, String codec, double sar, int rotation) {
    return new MediaProbe(
        format, 4, 0, codec, 320, 240, sar, 25, null, true, null, 0, 25, rotation, false);
  }

  /** 25 fps, a keyframe every 25 frames, in presentation order (no B-frames). */
  private static List<Packet> steady(int frames) {
    List<Packet> p = new ArrayList<>();
    for (int i = 0; i < frames; i++) {
      p.add(new Packet(i * 0.04, i % 25 == 0, false));
    }
    return p;
  }

  @Test
  void aSteadyDeliveryCodecInADeliveryContainerIsCopied() {
    assertThat(
            SourceSplitter.copyBlocker(probe("mov,mp4,m4a,3gp,3g2,mj2", "h264", 1, 0), steady(100)))
        .isNull();
    assertThat(SourceSplitter.copyBlocker(probe("matroska,webm", "vp9", 1, 0), steady(100)))
        .isNull();
  }

  @Test
  void containerCodecGeometryAndRotationEachForceAReencode() {
    assertThat(SourceSplitter.copyBlocker(probe("avi", "h264", 1, 0), steady(100))).contains("avi");
    assertThat(SourceSplitter.copyBlocker(probe("mpegts", "mpeg2video", 1, 0), steady(100)))
        .contains("mpeg2video");
    assertThat(SourceSplitter.copyBlocker(probe("mpegts", "h264", 16.0 / 11, 0), steady(100)))
        .isEqualTo("non-square pixels");
    assertThat(SourceSplitter.copyBlocker(probe("mpegts", "h264", 1, 90), steady(100)))
        .contains("rotation");
  }

  @Test
  void aJitteredTimestampIsVariableFrameRate() {
    List<Packet> p = steady(100);
    p.set(40, new Packet(40 * 0.04 + 0.012, false, false));
    assertThat(SourceSplitter.copyBlocker(probe("mpegts", "h264", 1, 0), p))
        .startsWith("variable frame rate");
  }

  @Test
  void aFrameShownBeforeItsKeyframeIsAnOpenGop() {
    List<Packet> p = steady(100);
    // decode order K(1.00) then a leading B-frame shown at 0.96 that refers back across the cut
    p.set(24, new Packet(1.00, true, false));
    p.set(25, new Packet(0.96, false, false));
    assertThat(SourceSplitter.copyBlocker(probe("mpegts", "h264", 1, 0), p))
        .startsWith("open GOPs");
  }

  @Test
  void hiddenOrUntimedPacketsForceAReencode() {
    List<Packet> hidden = steady(100);
    hidden.set(0, new Packet(-0.04, true, true));
    assertThat(SourceSplitter.copyBlocker(probe("mov,mp4", "h264", 1, 0), hidden))
        .contains("edit list");
    List<Packet> untimed = steady(100);
    untimed.set(3, new Packet(Double.NaN, false, false));
    assertThat(SourceSplitter.copyBlocker(probe("matroska,webm", "h264", 1, 0), untimed))
        .contains("without presentation times");
  }
}
