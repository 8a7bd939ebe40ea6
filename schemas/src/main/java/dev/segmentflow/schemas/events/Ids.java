package dev.segmentflow.schemas.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic ids: a replay after a failure computes the same id and overwrites its earlier row.
 */
public final class Ids {
  private Ids() {}

  /** 128 bits of SHA-256 over the parts, separated so that ("ab","c") and ("a","bc") differ. */
  public static String of(Object... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Object part : parts) {
        digest.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0x1f);
      }
      byte[] hash = digest.digest();
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
