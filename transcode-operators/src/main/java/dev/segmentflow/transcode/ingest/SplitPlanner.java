package dev.segmentflow.transcode.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where to cut a source into segments of about the target length, at keyframes only (a stream copy
 * can cut nowhere else). Each cut is the keyframe nearest to one target length after the previous
 * cut, within half a target either way; when no keyframe falls in that window the source's GOP does
 * not allow the target length and there is no plan (the caller re-encodes with forced keyframes).
 */
public final class SplitPlanner {
  private SplitPlanner() {}

  /**
   * @param keyframes keyframe times, ascending
   * @param end where the video ends (last frame's time plus its duration)
   * @return cut times, the first being the first keyframe; empty when the GOP is too long
   */
  public static Optional<List<Double>> cuts(List<Double> keyframes, double end, double target) {
    if (keyframes.isEmpty() || !(target > 0)) {
      return Optional.empty();
    }
    List<Double> cuts = new ArrayList<>();
    cuts.add(keyframes.get(0));
    int next = 1;
    while (true) {
      double last = cuts.get(cuts.size() - 1);
      // A remainder up to a target plus a bit stays one (last) segment.
      if (end - last <= target * 1.0001) {
        return Optional.of(cuts);
      }
      double want = last + target;
      Double best = null;
      for (int i = next; i < keyframes.size(); i++) {
        double k = keyframes.get(i);
        if (k <= last + target / 2) {
          continue;
        }
        if (k > last + target * 1.5) {
          break;
        }
        if (best == null || Math.abs(k - want) < Math.abs(best - want)) {
          best = k;
          next = i + 1;
        }
      }
      if (best == null) {
        if (end - last <= target * 1.5) {
          return Optional.of(cuts);
        }
        return Optional.empty();
      }
      cuts.add(best);
    }
  }
}
