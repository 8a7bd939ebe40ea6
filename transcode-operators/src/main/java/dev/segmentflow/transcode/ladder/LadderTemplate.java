package dev.segmentflow.transcode.ladder;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A ladder from the largest rung down. Bitrates are for frame rates 24-30; the planner scales them
 * for other rates.
 */
public record LadderTemplate(List<Rung> rungs) implements Serializable {
  public LadderTemplate {
    rungs = new ArrayList<>(rungs);
    rungs.sort(Comparator.comparingInt(Rung::shortSide).reversed());
    if (rungs.isEmpty()) {
      throw new IllegalArgumentException("a ladder needs at least one rung");
    }
  }

  /** 2160p to 240p, H.264: High from 720p up, Main below, Baseline for the smallest. */
  public static LadderTemplate standard() {
    return new LadderTemplate(
        List.of(
            new Rung("2160p", 2160, 16_000, "high", 160),
            new Rung("1440p", 1440, 9_000, "high", 160),
            new Rung("1080p", 1080, 5_000, "high", 128),
            new Rung("720p", 720, 2_800, "high", 128),
            new Rung("480p", 480, 1_200, "main", 96),
            new Rung("360p", 360, 700, "main", 96),
            new Rung("240p", 240, 350, "baseline", 64)));
  }

  /** Only the rungs whose names are listed, e.g. for tests and the demo. */
  public LadderTemplate only(List<String> names) {
    List<Rung> kept = rungs.stream().filter(r -> names.contains(r.name())).toList();
    if (kept.size() != names.size()) {
      throw new IllegalArgumentException("unknown rung in " + names + "; known: " + rungs);
    }
    return new LadderTemplate(kept);
  }

  public Rung smallest() {
    return rungs.get(rungs.size() - 1);
  }
}
