package dev.segmentflow.transcode.ladder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LadderPlannerTest {
  private static final LadderTemplate STANDARD = LadderTemplate.standard();

  private static List<PlannedRendition> plan(int w, int h, double fps, Long kbps, boolean audio) {
    return LadderPlanner.plan(new SourceFormat(w, h, 1.0, fps, kbps, audio), STANDARD);
  }

  @Test
  void skipsRungsAboveTheSourceAndKeepsTheRest() {
    List<PlannedRendition> p = plan(1920, 1080, 25, null, true);
    assertThat(p)
        .extracting(PlannedRendition::name)
        .containsExactly("1080p", "720p", "480p", "360p", "240p");
    assertThat(p)
        .extracting(r -> r.width() + "x" + r.height())
        .containsExactly("1920x1080", "1280x720", "854x480", "640x360", "426x240");
    assertThat(p.get(0).profile()).isEqualTo("high");
    assertThat(p.get(4).profile()).isEqualTo("baseline");
  }

  @Test
  void keepsAnOddAspectWithEvenDimensions() {
    // 720x528 (15:11): 480 * 720 / 528 = 654.5, 360 -> 490.9, 240 -> 327.3
    List<PlannedRendition> p = plan(720, 528, 30, null, true);
    assertThat(p)
        .extracting(r -> r.width() + "x" + r.height())
        .containsExactly("654x480", "490x360", "328x240");
    assertThat(p)
        .allSatisfy(
            r -> {
              assertThat(r.width() % 2).isZero();
              assertThat(r.height() % 2).isZero();
            });
  }

  @Test
  void anamorphicSourcesUseTheirDisplayAspect() {
    // 720x576 with 16:15 pixels is 768x576 on screen (4:3): 480p is 640x480.
    List<PlannedRendition> p =
        LadderPlanner.plan(new SourceFormat(720, 576, 16.0 / 15, 25, null, false), STANDARD);
    assertThat(p.get(0).width()).isEqualTo(640);
    assertThat(p.get(0).height()).isEqualTo(480);
  }

  @Test
  void bitratesFollowTheFrameRate() {
    PlannedRendition at30 = plan(1280, 720, 30, null, true).get(0);
    PlannedRendition at60 = plan(1280, 720, 60, null, true).get(0);
    PlannedRendition at10 = plan(1280, 720, 10, null, true).get(0);
    assertThat(at30.videoKbps()).isEqualTo(2800);
    assertThat(at60.videoKbps()).isEqualTo(4200);
    assertThat(at10.videoKbps()).isEqualTo(1400); // halved at most
    assertThat(at60.maxrateKbps()).isEqualTo(6300);
    assertThat(at60.bufsizeKbits()).isEqualTo(12600);
  }

  @Test
  void neverSpendsMoreThanTheSourceHad() {
    List<PlannedRendition> p = plan(1280, 720, 25, 1000L, true);
    assertThat(p).allSatisfy(r -> assertThat(r.videoKbps()).isLessThanOrEqualTo(1000));
    assertThat(p.get(p.size() - 1).videoKbps()).isEqualTo(350);
  }

  @Test
  void sourcesWithoutAudioGetNoAudio() {
    assertThat(plan(1280, 720, 25, null, false))
        .allSatisfy(r -> assertThat(r.hasAudio()).isFalse());
    assertThat(plan(1280, 720, 25, null, true)).allSatisfy(r -> assertThat(r.hasAudio()).isTrue());
  }

  @Test
  void aTinySourceStillGetsOneRenditionAtItsOwnSize() {
    List<PlannedRendition> p = plan(320, 180, 25, null, true);
    assertThat(p).hasSize(1);
    assertThat(p.get(0).width()).isEqualTo(320);
    assertThat(p.get(0).height()).isEqualTo(180);
  }

  @Test
  void portraitSourcesScaleByTheirShortSide() {
    List<PlannedRendition> p = plan(1080, 1920, 30, null, true);
    assertThat(p.get(0).name()).isEqualTo("1080p");
    assertThat(p.get(1).width()).isEqualTo(720);
    assertThat(p.get(1).height()).isEqualTo(1280);
  }

  @Test
  void fourKGetsTheWholeLadder() {
    assertThat(plan(3840, 2160, 24, null, true)).hasSize(7);
  }

  @Test
  void rejectsASourceWithoutSize() {
    assertThatThrownBy(() -> plan(0, 0, 25, null, true))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
