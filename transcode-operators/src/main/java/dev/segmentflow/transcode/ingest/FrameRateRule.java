package dev.segmentflow.transcode.ingest;

import java.util.List;
import java.util.Locale;

/**
 * The constant frame rate a re-encoded source gets. Start from the measured average (frames over
 * duration; for a variable-rate source the stream's nominal rate can be a timebase, not a rate);
 * halve, third... a rate above 60 fps down to 60 or less (HLS ladders stop at 60); then snap to the
 * nearest broadcast or film rate within 1% (so 29.96 from a jittery phone clip becomes 30000/1001,
 * not a rate no player expects); otherwise keep it, to the millihertz.
 */
public final class FrameRateRule {
  /** A rate as ffmpeg's fps filter takes it, and its value. */
  public record Rate(String expression, double value) {}

  private static final List<Rate> STANDARD =
      List.of(
          new Rate("12", 12),
          new Rate("25/2", 12.5),
          new Rate("15", 15),
          new Rate("24000/1001", 24000.0 / 1001),
          new Rate("24", 24),
          new Rate("25", 25),
          new Rate("30000/1001", 30000.0 / 1001),
          new Rate("30", 30),
          new Rate("48", 48),
          new Rate("50", 50),
          new Rate("60000/1001", 60000.0 / 1001),
          new Rate("60", 60));

  private FrameRateRule() {}

  /**
   * @param average frames over duration; 0 or less when unknown
   * @param nominal the stream's base rate; used when the average is unknown
   */
  public static Rate normalise(double average, double nominal) {
    double fps = average > 0 && average <= 1000 ? average : nominal;
    if (!(fps > 0) || fps > 1000) {
      throw new IllegalArgumentException("no usable frame rate: " + average + ", " + nominal);
    }
    if (fps > 60.5) {
      fps = fps / Math.ceil(fps / 60.5);
    }
    Rate best = null;
    for (Rate r : STANDARD) {
      if (Math.abs(fps - r.value()) <= 0.01 * r.value()
          && (best == null || Math.abs(fps - r.value()) < Math.abs(fps - best.value()))) {
        best = r;
      }
    }
    if (best != null) {
      return best;
    }
    long milli = Math.max(1, Math.round(fps * 1000));
    return new Rate(String.format(Locale.ROOT, "%d/1000", milli), milli / 1000.0);
  }
}
