package dev.segmentflow.cache.popularity;

import java.io.Serializable;

/**
 * An exponentially decayed event count: each event's weight halves every half-life. For a steady
 * stream of r events per hour the count settles at r * halfLife / ln 2, so {@link #perHour} reads
 * it back as a rate. Adding is commutative (an event older than the last update is decayed to it),
 * so the value does not depend on the order events arrive in.
 *
 * <p>Public fields and a no-arg constructor keep it a Flink POJO.
 */
public final class DecayedRate implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final double LN2 = Math.log(2);

  public double value;
  public long atMillis;

  public DecayedRate() {}

  public void add(long timeMillis, double weight, long halfLifeMillis) {
    if (timeMillis >= atMillis) {
      value = value * decay(timeMillis - atMillis, halfLifeMillis) + weight;
      atMillis = timeMillis;
    } else {
      value += weight * decay(atMillis - timeMillis, halfLifeMillis);
    }
  }

  /** The decayed count as of {@code timeMillis} (never later than the last update's value). */
  public double valueAt(long timeMillis, long halfLifeMillis) {
    return timeMillis <= atMillis ? value : value * decay(timeMillis - atMillis, halfLifeMillis);
  }

  public double perHour(long timeMillis, long halfLifeMillis) {
    return perHour(valueAt(timeMillis, halfLifeMillis), halfLifeMillis);
  }

  /** The rate per hour that a decayed count of {@code count} stands for. */
  public static double perHour(double count, long halfLifeMillis) {
    return count * LN2 / (halfLifeMillis / 3_600_000.0);
  }

  /** The weight one count keeps after {@code elapsedMillis} (not negative) have passed. */
  public static double decay(long elapsedMillis, long halfLifeMillis) {
    return Math.pow(0.5, (double) elapsedMillis / halfLifeMillis);
  }
}
