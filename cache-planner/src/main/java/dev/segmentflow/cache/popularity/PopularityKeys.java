package dev.segmentflow.cache.popularity;

/** State keys: one title in one region. */
public final class PopularityKeys {
  private static final char SEP = '\u001f';

  private PopularityKeys() {}

  public static String title(String region, String assetId) {
    return region + SEP + assetId;
  }

  /** The parts of a key, in the order they were joined. */
  public static String[] split(String key) {
    return key.split(String.valueOf(SEP), -1);
  }
}
