package dev.segmentflow.cache.popularity;

import dev.segmentflow.schemas.events.Directive;

/**
 * Where a title should live, by popularity: HOT at the edge, WARM in the regional shield, COLD at
 * the origin only, GONE once it falls below the cold threshold (the edge may drop it).
 */
public enum Tier {
  GONE,
  COLD,
  WARM,
  HOT;

  public Directive.Temperature temperature() {
    return switch (this) {
      case HOT -> Directive.Temperature.HOT;
      case WARM -> Directive.Temperature.WARM;
      case COLD, GONE -> Directive.Temperature.COLD;
    };
  }

  public String cacheTier() {
    return switch (this) {
      case HOT -> "edge";
      case WARM -> "regional";
      case COLD -> "origin";
      case GONE -> "none";
    };
  }
}
