package dev.segmentflow.schemas.clickhouse;

import java.util.EnumSet;
import java.util.Set;

/** A ClickHouse server version and the version-dependent DDL features it supports. */
public record ServerVersion(int major, int minor) implements Comparable<ServerVersion> {

  /** DDL that not every server we run on understands; migrations that need one say so. */
  public enum Feature {
    /** LowCardinality(T) without the experimental setting: 19.0. */
    LOW_CARDINALITY(19, 0),
    /** Column and table TTL: 19.6. */
    TTL(19, 6);

    private final ServerVersion since;

    Feature(int major, int minor) {
      this.since = new ServerVersion(major, minor);
    }

    public static Feature fromName(String name) {
      return Feature.valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    }
  }

  public static ServerVersion parse(String version) {
    String[] parts = version.trim().replace("\"", "").split("\\.");
    if (parts.length < 2) {
      throw new IllegalArgumentException("not a ClickHouse version: " + version);
    }
    return new ServerVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
  }

  public boolean supports(Feature feature) {
    return compareTo(feature.since) >= 0;
  }

  public Set<Feature> features() {
    Set<Feature> out = EnumSet.noneOf(Feature.class);
    for (Feature f : Feature.values()) {
      if (supports(f)) {
        out.add(f);
      }
    }
    return out;
  }

  @Override
  public int compareTo(ServerVersion o) {
    return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
