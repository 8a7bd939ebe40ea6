package dev.segmentflow.analytics.recs;

import java.io.Serializable;
import java.time.Duration;

/**
 * A count whose every addition fades with a half-life. Adding is commutative: an addition older
 * than the last one is faded to it, so the value does not depend on arrival order.
 */
public final class Weight implements Serializable {
  private static final long serialVersionUID = 1L;

  public double value;
  public long atMillis;

  public void add(long timeMillis, double w, Duration halfLife) {
    if (timeMillis >= atMillis) {
      value = value * RecommenderConfig.decay(timeMillis - atMillis, halfLife) + w;
      atMillis = timeMillis;
    } else {
      value += w * RecommenderConfig.decay(atMillis - timeMillis, halfLife);
    }
  }

  public double at(long timeMillis, Duration halfLife) {
    return value * RecommenderConfig.decay(timeMillis - atMillis, halfLife);
  }
}
