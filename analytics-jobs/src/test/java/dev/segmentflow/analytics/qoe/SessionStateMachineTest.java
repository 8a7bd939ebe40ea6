package dev.segmentflow.analytics.qoe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionStateMachineTest {
  static final long T0 = 1_700_000_080_000L; // 40 s into a minute

  static int seq;

  static ViewerEvent ev(ViewerEventType type, long at) {
    return ev(type, at, null, null);
  }

  static ViewerEvent ev(ViewerEventType type, long at, Long bitrate, Boolean fatal) {
    return new ViewerEvent(
        1,
        "e" + (seq++),
        type,
        "s1",
        "v1",
        "a1",
        "eu",
        "edge-1",
        "web",
        T0 + at,
        null,
        bitrate,
        null,
        null,
        null,
        null,
        fatal,
        null,
        null,
        null,
        null,
        null);
  }

  static SessionStateMachine run(ViewerEvent... events) {
    SessionStateMachine m = new SessionStateMachine();
    for (ViewerEvent e : events) {
      m.apply(e);
    }
    return m;
  }

  @Test
  void startupPlayAndRebufferFollowTheIndustryDefinitions() {
    SessionStateMachine m =
        run(
            ev(ViewerEventType.PLAY_REQUEST, 0),
            ev(ViewerEventType.STALL_START, 300), // buffering before video: startup, not a stall
            ev(ViewerEventType.FIRST_FRAME, 1200, 800L, null),
            ev(ViewerEventType.HEARTBEAT, 11_200),
            ev(ViewerEventType.STALL_START, 15_200),
            ev(ViewerEventType.STALL_END, 17_200),
            ev(ViewerEventType.HEARTBEAT, 27_200),
            ev(ViewerEventType.END, 30_200));
    SessionSummary s = m.summary();
    assertThat(s.startupMs()).isEqualTo(1200);
    assertThat(s.playMs()).isEqualTo(14_000 + 13_000);
    assertThat(s.stallMs()).isEqualTo(2000);
    assertThat(s.stallCount()).isEqualTo(1);
    assertThat(s.rebufferRatio()).isEqualTo(2000.0 / 29_000);
    assertThat(s.avgBitrateKbps()).isEqualTo(800.0);
    assertThat(s.endReason()).isEqualTo("ended");
    assertThat(s.exitBeforeStart()).isFalse();
    assertThat(s.failed()).isFalse();
    assertThat(s.endedAtMillis()).isEqualTo(T0 + 30_200);
  }

  @Test
  void bufferingRightAfterASeekIsSeekTimeNotARebuffer() {
    SessionStateMachine m =
        run(
            ev(ViewerEventType.PLAY_REQUEST, 0),
            ev(ViewerEventType.FIRST_FRAME, 500),
            ev(ViewerEventType.SEEK, 5_500),
            ev(ViewerEventType.STALL_START, 5_600),
            ev(ViewerEventType.STALL_END, 7_600),
            // a stall long after the seek is a real rebuffer
            ev(ViewerEventType.STALL_START, 20_000),
            ev(ViewerEventType.STALL_END, 21_000),
            ev(ViewerEventType.END, 25_000));
    SessionSummary s = m.summary();
    assertThat(s.seekMs()).isEqualTo(2000);
    assertThat(s.stallMs()).isEqualTo(1000);
    assertThat(s.stallCount()).isEqualTo(1);
    assertThat(s.playMs()).isEqualTo(5100 + 12_400 + 4000);
  }

  @Test
  void duplicatesAreIgnoredAndEventsAfterTheEndAreRefused() {
    ViewerEvent play = ev(ViewerEventType.PLAY_REQUEST, 0);
    ViewerEvent first = ev(ViewerEventType.FIRST_FRAME, 900);
    ViewerEvent end = ev(ViewerEventType.END, 10_900);
    SessionStateMachine m = new SessionStateMachine();
    assertThat(m.apply(play)).isEqualTo(SessionStateMachine.Outcome.ACCEPTED);
    assertThat(m.apply(first)).isEqualTo(SessionStateMachine.Outcome.ACCEPTED);
    assertThat(m.apply(first)).isEqualTo(SessionStateMachine.Outcome.DUPLICATE);
    assertThat(m.apply(end)).isEqualTo(SessionStateMachine.Outcome.ACCEPTED);
    assertThat(m.apply(end)).isEqualTo(SessionStateMachine.Outcome.DUPLICATE);
    assertThat(m.apply(ev(ViewerEventType.HEARTBEAT, 12_000)))
        .isEqualTo(SessionStateMachine.Outcome.AFTER_END);
    assertThat(m.summary().playMs()).isEqualTo(10_000);
    assertThat(m.summary().version()).isEqualTo(3);
  }

  @Test
  void fatalErrorsFailTheSessionRecoverableOnesAreCounted() {
    SessionStateMachine m =
        run(
            ev(ViewerEventType.PLAY_REQUEST, 0),
            ev(ViewerEventType.FIRST_FRAME, 700),
            ev(ViewerEventType.ERROR, 3000, null, false),
            ev(ViewerEventType.ERROR, 6000, null, true));
    SessionSummary s = m.summary();
    assertThat(s.recoverableErrors()).isEqualTo(1);
    assertThat(s.failed()).isTrue();
    assertThat(s.endReason()).isEqualTo("fatal_error");
    assertThat(s.playMs()).isEqualTo(5300);
    assertThat(m.ended()).isTrue();
  }

  @Test
  void leavingOrGoingSilentBeforeTheFirstFrameIsAnExitBeforeStart() {
    SessionStateMachine left =
        run(ev(ViewerEventType.PLAY_REQUEST, 0), ev(ViewerEventType.END, 4000));
    assertThat(left.summary().exitBeforeStart()).isTrue();
    assertThat(left.summary().startupMs()).isNull();
    assertThat(left.summary().failed()).isFalse();

    SessionStateMachine silent = run(ev(ViewerEventType.PLAY_REQUEST, 0));
    assertThat(silent.ended()).isFalse();
    silent.closeInactive(T0 + 120_000);
    List<MinuteSlice> slices = silent.drainSlices(Long.MAX_VALUE);
    assertThat(slices).extracting(x -> x.exitsBeforeStart).containsExactly(0, 1);
    assertThat(slices).extracting(x -> x.active).containsExactly(true, false);
    assertThat(silent.summary().exitBeforeStart()).isTrue();
    assertThat(silent.summary().endReason()).isEqualTo("inactive");
  }

  @Test
  void aSilentSessionEndsAtItsLastEventWithoutExtraPlayTime() {
    SessionStateMachine m =
        run(
            ev(ViewerEventType.PLAY_REQUEST, 0),
            ev(ViewerEventType.FIRST_FRAME, 1000),
            ev(ViewerEventType.HEARTBEAT, 11_000));
    m.closeInactive(T0 + 200_000);
    assertThat(m.summary().playMs()).isEqualTo(10_000);
    assertThat(m.summary().endedAtMillis()).isEqualTo(T0 + 11_000);
    assertThat(m.summary().exitBeforeStart()).isFalse();
  }

  @Test
  void switchesCountOnceVideoHasStartedAndWeighTheAverageBitrate() {
    SessionStateMachine m =
        run(
            ev(ViewerEventType.PLAY_REQUEST, 0),
            ev(ViewerEventType.BITRATE_SWITCH, 100, 400L, null), // the first pick
            ev(ViewerEventType.FIRST_FRAME, 1000),
            ev(ViewerEventType.BITRATE_SWITCH, 5000, 1600L, null),
            ev(ViewerEventType.END, 7000));
    SessionSummary s = m.summary();
    assertThat(s.bitrateSwitches()).isEqualTo(1);
    assertThat(s.avgBitrateKbps()).isEqualTo((400.0 * 4000 + 1600.0 * 2000) / 6000);
  }

  @Test
  void cmcdOnlySessionsPlayFromTheirFirstHeartbeat() {
    SessionStateMachine m =
        run(ev(ViewerEventType.HEARTBEAT, 0, 800L, null), ev(ViewerEventType.HEARTBEAT, 4000));
    m.closeInactive(T0 + 200_000);
    assertThat(m.summary().playMs()).isEqualTo(4000);
    assertThat(m.summary().startupMs()).isNull();
    assertThat(m.summary().exitBeforeStart()).isFalse();
  }

  @Test
  void minuteSlicesAddUpToTheSessionAndDrainOnlyFinishedMinutes() {
    // T0 is 40 s into a minute: this session spans three minutes
    SessionStateMachine m =
        run(
            ev(ViewerEventType.PLAY_REQUEST, 0),
            ev(ViewerEventType.FIRST_FRAME, 2000),
            ev(ViewerEventType.HEARTBEAT, 12_000),
            ev(ViewerEventType.HEARTBEAT, 22_000),
            ev(ViewerEventType.STALL_START, 25_000),
            ev(ViewerEventType.STALL_END, 28_000),
            ev(ViewerEventType.HEARTBEAT, 88_000),
            ev(ViewerEventType.END, 90_000));
    long minute0 = T0 - 40_000;
    assertThat(m.drainSlices(minute0 + 60_000 - 1)).isEmpty();
    List<MinuteSlice> all = new ArrayList<>(m.drainSlices(minute0 + 60_000));
    assertThat(all).hasSize(1);
    assertThat(all.get(0).startupsMs).containsExactly(2000L);
    all.addAll(m.drainSlices(Long.MAX_VALUE));
    assertThat(all)
        .extracting(s -> s.minuteStartMillis)
        .containsExactly(minute0, minute0 + 60_000, minute0 + 120_000);
    assertThat(all.stream().mapToLong(s -> s.playMs).sum()).isEqualTo(m.summary().playMs());
    assertThat(all.stream().mapToLong(s -> s.stallMs).sum()).isEqualTo(m.summary().stallMs());
    assertThat(all.stream().mapToInt(s -> s.stalls).sum()).isEqualTo(1);
    assertThat(m.hasSlices()).isFalse();
  }

  @Test
  void gradesFollowTheSeedThresholds() {
    QoeGrader grader = new QoeGrader(QoeGrader.Thresholds.defaults());
    QoeMinute good = minute(10, 100_000, 1_000, 0, 10, 1000L);
    assertThat(grader.grade(List.of(good)).grade()).isEqualTo("A");
    QoeMinute stalls = minute(10, 100_000, 8_000, 0, 10, 1000L); // 7.4% > 5%
    assertThat(grader.grade(List.of(stalls)).grade()).isEqualTo("C");
    assertThat(grader.alerts(0, "region", "eu", List.of(stalls)))
        .extracting(QoeAlert::metric)
        .containsExactly("rebuffer_ratio");
    QoeMinute failing = minute(10, 100_000, 8_000, 1, 10, 4000L); // 10% failures >= 3 x 1%
    assertThat(grader.grade(List.of(failing)).grade()).isEqualTo("F");
    assertThat(grader.grade(List.of(minute(4, 1, 1, 4, 0, 9000L)))).isNull(); // too few sessions
  }

  @Test
  void aFatalErrorBeforeTheFirstFrameIsAStartFailureAndAfterItAPlaybackFailure() {
    SessionSummary beforeStart =
        run(ev(ViewerEventType.PLAY_REQUEST, 0), ev(ViewerEventType.ERROR, 4_000, null, true))
            .summary();
    assertThat(beforeStart.videoStartFailure()).isTrue();
    assertThat(beforeStart.playbackFailure()).isFalse();
    assertThat(beforeStart.exitBeforeStart()).isFalse(); // a failure, not a viewer leaving
    assertThat(beforeStart.experienceScore()).isEqualTo(0.0);

    SessionSummary afterStart =
        run(
                ev(ViewerEventType.PLAY_REQUEST, 100),
                ev(ViewerEventType.FIRST_FRAME, 600, 5_000L, null),
                ev(ViewerEventType.ERROR, 60_600, null, true))
            .summary();
    assertThat(afterStart.videoStartFailure()).isFalse();
    assertThat(afterStart.playbackFailure()).isTrue();
    // startup 0.5 s, no stall, top bitrate: a perfect session, halved by the failure
    assertThat(afterStart.experienceScore()).isCloseTo(50.0, within(1e-9));

    SessionSummary left =
        run(ev(ViewerEventType.PLAY_REQUEST, 200), ev(ViewerEventType.END, 9_000)).summary();
    assertThat(left.exitBeforeStart()).isTrue();
    assertThat(left.videoStartFailure()).isFalse();
    assertThat(left.experienceScore()).isNull();
  }

  @Test
  void rebufferFrequencyIsStallsPerMinutePlayed() {
    SessionSummary s =
        run(
                ev(ViewerEventType.PLAY_REQUEST, 0),
                ev(ViewerEventType.FIRST_FRAME, 1_000, 800L, null),
                ev(ViewerEventType.STALL_START, 31_000),
                ev(ViewerEventType.STALL_END, 32_000),
                ev(ViewerEventType.STALL_START, 62_000),
                ev(ViewerEventType.STALL_END, 64_000),
                ev(ViewerEventType.STALL_START, 94_000),
                ev(ViewerEventType.STALL_END, 95_000),
                ev(ViewerEventType.END, 125_000))
            .summary();
    // 120 s played (30 + 30 + 30 + 30), 3 stalls: 1.5 per minute
    assertThat(s.playMs()).isEqualTo(120_000);
    assertThat(s.stallCount()).isEqualTo(3);
    assertThat(s.rebuffersPerMinute()).isEqualTo(1.5);
  }

  @Test
  void restartTimeRunsFromTheSeekToTheEndOfItsBufferingAndScrubbingIsOneSeek() {
    SessionSummary s =
        run(
                ev(ViewerEventType.PLAY_REQUEST, 0),
                ev(ViewerEventType.FIRST_FRAME, 500),
                // seek 1: buffers 300 ms after the seek, resumes 1.5 s after it
                ev(ViewerEventType.SEEK, 10_000),
                ev(ViewerEventType.STALL_START, 10_300),
                ev(ViewerEventType.STALL_END, 11_500),
                // seek 2 plays on at once: restart 0
                ev(ViewerEventType.SEEK, 20_000),
                ev(ViewerEventType.HEARTBEAT, 25_000),
                // seek 3 with a second seek while it buffers (scrubbing): one seek of 2.5 s
                ev(ViewerEventType.SEEK, 30_000),
                ev(ViewerEventType.STALL_START, 30_100),
                ev(ViewerEventType.SEEK, 31_000),
                ev(ViewerEventType.STALL_END, 32_500),
                ev(ViewerEventType.END, 40_000))
            .summary();
    assertThat(s.seekCount()).isEqualTo(3);
    assertThat(s.videoRestartMs()).isEqualTo((1_500 + 0 + 2_500) / 3.0);
    assertThat(s.stallCount()).isZero();
  }

  @Test
  void playTimeIsSplitByTheBitratePlayedAndThePeakIsTheHighestPlayed() {
    SessionSummary s =
        run(
                ev(ViewerEventType.PLAY_REQUEST, 0),
                ev(ViewerEventType.FIRST_FRAME, 1_000, 800L, null),
                ev(ViewerEventType.BITRATE_SWITCH, 11_000, 2_500L, null),
                ev(ViewerEventType.BITRATE_SWITCH, 31_000, 800L, null),
                // picked but never played: the session ends at once
                ev(ViewerEventType.BITRATE_SWITCH, 36_000, 5_000L, null),
                ev(ViewerEventType.END, 36_000))
            .summary();
    assertThat(s.bitratesKbps()).containsExactly(800, 2_500);
    assertThat(s.bitratePlayMs()).containsExactly(15_000, 20_000);
    assertThat(s.peakBitrateKbps()).isEqualTo(2_500);
    assertThat(s.avgBitrateKbps()).isEqualTo((800.0 * 15_000 + 2_500.0 * 20_000) / 35_000);
  }

  @Test
  void minuteAggregatesSplitFailuresAndCountStalls() {
    SessionStateMachine failedAtStart =
        run(ev(ViewerEventType.PLAY_REQUEST, 0), ev(ViewerEventType.ERROR, 2_000, null, true));
    SessionStateMachine stalled =
        run(
            ev(ViewerEventType.PLAY_REQUEST, 0),
            ev(ViewerEventType.FIRST_FRAME, 500),
            ev(ViewerEventType.STALL_START, 3_000),
            ev(ViewerEventType.STALL_END, 4_000),
            ev(ViewerEventType.ERROR, 6_000, null, true));
    List<MinuteSlice> slices = new ArrayList<>();
    slices.addAll(failedAtStart.drainSlices(Long.MAX_VALUE));
    slices.addAll(stalled.drainSlices(Long.MAX_VALUE));
    QoeMinute m = QoeMinute.of(slices);
    assertThat(m.failures()).isEqualTo(2);
    assertThat(m.videoStartFailures()).isEqualTo(1);
    assertThat(m.playbackFailures()).isEqualTo(1);
    assertThat(m.stallCount()).isEqualTo(1);
    assertThat(m.rebuffersPerMinute()).isEqualTo(1 * 60_000.0 / m.playMs());
  }

  /** An event reporting the player's and the playing rendition's sizes. */
  static ViewerEvent sized(ViewerEventType type, long at, int pw, int ph, int vw, int vh) {
    ViewerEvent e = ev(type, at);
    return new ViewerEvent(
        e.schemaVersion(),
        e.eventId(),
        e.type(),
        e.sessionId(),
        e.viewerId(),
        e.assetId(),
        e.region(),
        e.edgeId(),
        e.device(),
        e.eventTimeMillis(),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        pw,
        ph,
        vw,
        vh);
  }

  @Test
  void upscaleAndDownscaleShareThePlayTimeWhoseSizesAreKnown() {
    SessionSummary s =
        run(
                ev(ViewerEventType.PLAY_REQUEST, 0),
                ev(ViewerEventType.FIRST_FRAME, 1_000), // 10 s with no sizes known
                sized(ViewerEventType.HEARTBEAT, 11_000, 1920, 1080, 854, 480), // then 20 s up
                sized(ViewerEventType.BITRATE_SWITCH, 31_000, 1920, 1080, 1920, 1080), // 10 s 1:1
                // a phone in portrait: 1080p fitted into 360 wide is downscaled, for 10 s
                sized(ViewerEventType.HEARTBEAT, 41_000, 360, 640, 1920, 1080),
                ev(ViewerEventType.END, 51_000))
            .summary();
    assertThat(s.upscaleRatio()).isEqualTo(20_000 / 40_000.0);
    assertThat(s.downscaleRatio()).isEqualTo(10_000 / 40_000.0);
    SessionSummary unsized =
        run(
                ev(ViewerEventType.PLAY_REQUEST, 0),
                ev(ViewerEventType.FIRST_FRAME, 500),
                ev(ViewerEventType.END, 9_000))
            .summary();
    assertThat(unsized.upscaleRatio()).isNull();
    assertThat(unsized.downscaleRatio()).isNull();
  }

  @Test
  void minuteAggregatesCarryBitrateAndTheRestartsThatEndedInThem() {
    SessionStateMachine m =
        run(
            ev(ViewerEventType.PLAY_REQUEST, 0),
            ev(ViewerEventType.FIRST_FRAME, 1_000, 800L, null),
            ev(ViewerEventType.BITRATE_SWITCH, 5_000, 2_000L, null),
            ev(ViewerEventType.SEEK, 9_000),
            ev(ViewerEventType.STALL_START, 9_200),
            ev(ViewerEventType.STALL_END, 10_500), // a 1.5 s restart
            ev(ViewerEventType.SEEK, 12_000),
            ev(ViewerEventType.HEARTBEAT, 15_000), // played on: a restart of 0
            ev(ViewerEventType.END, 16_000));
    // all within one minute (T0 is 40 s into it)
    QoeMinute q = QoeMinute.of(m.drainSlices(Long.MAX_VALUE));
    // 4 s at 800, then 4.2 s + 1.5 s + 3 s + 1 s at 2000 (the seek's buffering is not play)
    double playedAt2000 = 4_200 + 1_500 + 3_000 + 1_000;
    assertThat(q.avgBitrateKbps())
        .isCloseTo((800.0 * 4_000 + 2_000.0 * playedAt2000) / (4_000 + playedAt2000), within(1e-9));
    assertThat(q.peakBitrateKbps()).isEqualTo(2_000);
    assertThat(q.restarts()).isEqualTo(2);
    assertThat(q.restartMs()).isEqualTo(1_500);
  }

  static QoeMinute minute(
      int sessions, long play, long stall, int failures, int switches, long startup) {
    ArrayList<Long> startups = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      startups.add(startup);
    }
    return new QoeMinute(
        0, "a1", "eu", "edge-1", "web", sessions, play, stall, 0, 0, 0, failures, 0, switches, 1,
        startups, 0, failures, 0, 0, 0, 0, 0, 0);
  }
}
