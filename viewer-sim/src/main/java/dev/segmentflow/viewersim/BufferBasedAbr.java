package dev.segmentflow.viewersim;

/**
 * BBA-0 (Huang et al., SIGCOMM 2014): the rendition follows the buffer, not a throughput estimate.
 * Below the reservoir the lowest rung; above reservoir + cushion the highest; in between the rate
 * map f(B) rises linearly. The player steps up, to the highest rung below f(B), only once f(B)
 * reaches the next rung up, and down, to the lowest rung above f(B), only once f(B) falls to the
 * next rung down; in between it holds, so it does not oscillate between neighbours.
 */
public final class BufferBasedAbr {
  private final double reservoirSeconds;
  private final double cushionSeconds;

  public BufferBasedAbr(double reservoirSeconds, double cushionSeconds) {
    if (reservoirSeconds < 0 || cushionSeconds <= 0) {
      throw new IllegalArgumentException("reservoir >= 0 and cushion > 0 seconds");
    }
    this.reservoirSeconds = reservoirSeconds;
    this.cushionSeconds = cushionSeconds;
  }

  /** The defaults the simulator uses: 8 s reservoir, 16 s cushion (a 30 s buffer target). */
  public static BufferBasedAbr standard() {
    return new BufferBasedAbr(8, 16);
  }

  /**
   * @param bitratesKbps the ladder, ascending
   * @param current index of the rung now playing
   * @return index of the rung for the next segment
   */
  public int choose(double bufferSeconds, int current, long[] bitratesKbps) {
    int top = bitratesKbps.length - 1;
    if (bufferSeconds <= reservoirSeconds) {
      return 0;
    }
    if (bufferSeconds >= reservoirSeconds + cushionSeconds) {
      return top;
    }
    double mapped =
        bitratesKbps[0]
            + (bitratesKbps[top] - bitratesKbps[0])
                * (bufferSeconds - reservoirSeconds)
                / cushionSeconds;
    int up = Math.min(current + 1, top);
    int down = Math.max(current - 1, 0);
    if (up != current && mapped >= bitratesKbps[up]) {
      int next = current; // the highest rung below the map
      for (int i = current; i <= top && bitratesKbps[i] < mapped; i++) {
        next = i;
      }
      return next;
    }
    if (down != current && mapped <= bitratesKbps[down]) {
      for (int i = 0; i < current; i++) { // the lowest rung above the map
        if (bitratesKbps[i] > mapped) {
          return i;
        }
      }
      return down;
    }
    return current;
  }
}
