package dev.segmentflow.transcode.ladder;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a source and a template into the renditions to encode. Rungs larger than the source are
 * skipped (upscaling spends bits on nothing); the picture keeps the source's display aspect with
 * even dimensions (4:2:0 needs them); bitrates follow the frame rate; audio only where the source
 * has some. A source smaller than the smallest rung still gets one rendition, at its own size.
 */
public final class LadderPlanner {
  /** Peak over average for capped VBR, and decoder buffer over peak. */
  static final double MAXRATE_FACTOR = 1.5;

  static final double BUFSIZE_FACTOR = 2.0;

  private LadderPlanner() {}

  public static List<PlannedRendition> plan(SourceFormat source, LadderTemplate template) {
    if (source.width() <= 0 || source.height() <= 0 || !(source.frameRate() > 0)) {
      throw new IllegalArgumentException("source without a size or frame rate: " + source);
    }
    double displayWidth = source.width() * source.sampleAspect();
    boolean portrait = source.height() > displayWidth;
    double shortSide = portrait ? displayWidth : source.height();
    double aspect = displayWidth / source.height();
    double fpsFactor = frameRateFactor(source.frameRate());

    List<PlannedRendition> out = new ArrayList<>();
    Set<String> sizes = new HashSet<>();
    for (Rung rung : template.rungs()) {
      if (rung.shortSide() > shortSide + 0.5) {
        continue;
      }
      add(out, sizes, rung, rung.shortSide(), portrait, aspect, fpsFactor, source);
    }
    if (out.isEmpty()) {
      Rung smallest = template.smallest();
      add(out, sizes, smallest, (int) Math.floor(shortSide), portrait, aspect, fpsFactor, source);
    }
    return out;
  }

  private static void add(
      List<PlannedRendition> out,
      Set<String> sizes,
      Rung rung,
      int shortSide,
      boolean portrait,
      double aspect,
      double fpsFactor,
      SourceFormat source) {
    int w;
    int h;
    if (portrait) {
      w = even(shortSide);
      h = even(shortSide / aspect);
    } else {
      h = even(shortSide);
      w = even(shortSide * aspect);
    }
    if (!sizes.add(w + "x" + h)) {
      return;
    }
    long kbps = Math.max(1, Math.round(rung.videoKbps() * fpsFactor));
    if (source.bitrateKbps() != null && source.bitrateKbps() > 0) {
      // More bits than the whole source had cannot add detail that is not there.
      kbps = Math.min(kbps, source.bitrateKbps());
    }
    long maxrate = Math.round(kbps * MAXRATE_FACTOR);
    out.add(
        new PlannedRendition(
            rung.name(),
            w,
            h,
            kbps,
            maxrate,
            Math.round(maxrate * BUFSIZE_FACTOR),
            rung.profile(),
            source.hasAudio() ? rung.audioKbps() : 0));
  }

  /**
   * Templates are for 24-30 fps. Above 30 the extra frames are similar to their neighbours, so 60
   * fps costs 1.5x, not 2x; below 24 the bitrate falls with the frame count, to half at most.
   */
  static double frameRateFactor(double fps) {
    if (fps > 30) {
      return 1 + 0.5 * (Math.min(fps, 60) - 30) / 30;
    }
    if (fps < 24) {
      return Math.max(0.5, fps / 24);
    }
    return 1.0;
  }

  /** Nearest even number, at least 2. */
  static int even(double x) {
    return Math.max(2, 2 * (int) Math.round(x / 2));
  }
}
