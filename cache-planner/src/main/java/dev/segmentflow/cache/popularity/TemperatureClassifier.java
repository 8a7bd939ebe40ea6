package dev.segmentflow.cache.popularity;

/**
 * Score to tier with hysteresis: a title climbs to a tier when its score reaches that tier's
 * threshold and leaves it only when the score falls {@code hysteresis} below it, so a score that
 * wobbles around a threshold does not flap between tiers (and TTL directives).
 */
public final class TemperatureClassifier {
  private TemperatureClassifier() {}

  public static Tier next(Tier current, double score, PopularityConfig config) {
    Tier target = Tier.GONE;
    for (Tier t : new Tier[] {Tier.HOT, Tier.WARM, Tier.COLD}) {
      if (score >= config.threshold(t)) {
        target = t;
        break;
      }
    }
    if (target.compareTo(current) >= 0) {
      return target;
    }
    // Falling: stay in the current tier while inside its band, then step to the highest tier whose
    // band still holds the score.
    Tier t = current;
    while (t != Tier.GONE && score < config.threshold(t) * (1 - config.hysteresis())) {
      t = Tier.values()[t.ordinal() - 1];
    }
    return t;
  }
}
