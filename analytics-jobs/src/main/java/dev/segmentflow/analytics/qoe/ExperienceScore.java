package dev.segmentflow.analytics.qoe;

/**
 * One number per session, 0 to 100, from the four things viewers notice: how long the video took to
 * start, how smoothly it played, at what quality, and whether it played at all.
 *
 * <pre>
 *   startup    = 1 up to 1 s, falling linearly to 0 at 10 s
 *   smoothness = max(0, 1 - 10 x rebuffer ratio) / (1 + 0.5 x rebuffers per minute watched)
 *   quality    = min(1, ln(1 + average kbps) / ln(1 + reference kbps))
 *   score      = 100 x success x (0.3 startup + 0.4 smoothness + 0.3 quality)
 *   success    = 1; 0.5 for a playback failure (the viewer lost the rest of the title);
 *                a video start failure scores 0 outright
 * </pre>
 *
 * Rebuffer ratio and frequency both count: one long stall and many short ones hurt differently, and
 * neither figure alone separates them. Quality is logarithmic because each step up a ladder roughly
 * doubles the bitrate for a similar gain in what viewers see. A session whose startup was never
 * measured (CMCD-only: no play request) is scored on the other two, reweighted. An exit before
 * video start without a failure gets no score: nothing was watched to judge.
 */
public final class ExperienceScore {
  /** The top rung of the default ladder (1080p): a session playing there has full quality. */
  public static final double REFERENCE_KBPS = 5_000;

  static final double STARTUP_WEIGHT = 0.3;
  static final double SMOOTHNESS_WEIGHT = 0.4;
  static final double QUALITY_WEIGHT = 0.3;

  private ExperienceScore() {}

  /**
   * @return the score, or null when the session never started and did not fail
   */
  public static Double of(
      Long startupMs,
      double rebufferRatio,
      double rebuffersPerMinute,
      double avgBitrateKbps,
      boolean videoStartFailure,
      boolean playbackFailure,
      boolean exitBeforeStart) {
    if (videoStartFailure) {
      return 0.0;
    }
    if (exitBeforeStart) {
      return null;
    }
    double smooth = smoothness(rebufferRatio, rebuffersPerMinute);
    double quality = quality(avgBitrateKbps);
    double blend;
    if (startupMs == null) {
      blend =
          (SMOOTHNESS_WEIGHT * smooth + QUALITY_WEIGHT * quality)
              / (SMOOTHNESS_WEIGHT + QUALITY_WEIGHT);
    } else {
      blend =
          STARTUP_WEIGHT * startup(startupMs)
              + SMOOTHNESS_WEIGHT * smooth
              + QUALITY_WEIGHT * quality;
    }
    double success = playbackFailure ? 0.5 : 1.0;
    return 100 * success * blend;
  }

  static double startup(long startupMs) {
    return clamp(1 - (startupMs - 1_000) / 9_000.0);
  }

  static double smoothness(double rebufferRatio, double rebuffersPerMinute) {
    return clamp(1 - 10 * rebufferRatio) / (1 + 0.5 * rebuffersPerMinute);
  }

  static double quality(double avgBitrateKbps) {
    if (avgBitrateKbps <= 0) {
      return 0;
    }
    return clamp(Math.log1p(avgBitrateKbps) / Math.log1p(REFERENCE_KBPS));
  }

  private static double clamp(double x) {
    return Math.max(0, Math.min(1, x));
  }
}
