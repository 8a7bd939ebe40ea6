package dev.segmentflow.edge;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring URLs: a token is {@code <expiry epoch seconds>.<HMAC-SHA256>} over the path
 * prefix it grants, its expiry and, when bound, the client's IP. One token covers an asset's whole
 * tree ({@code /hls/<asset>/}), so the playlists' child URIs can carry the same token.
 */
public final class UrlSigner {
  public static final String QUERY = "token";
  public static final String COOKIE = "sf_token";
  private static final Pattern TOKEN = Pattern.compile("(\\d{1,12})\\.([A-Za-z0-9_-]{43})");

  /** The outcome of checking a token. */
  public enum Check {
    OK,
    MISSING,
    MALFORMED,
    EXPIRED,
    BAD_SIGNATURE
  }

  private final SecretKeySpec key;
  private final boolean bindIp;

  public UrlSigner(byte[] secret, boolean bindIp) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("a signing secret needs at least 16 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.bindIp = bindIp;
  }

  /**
   * @param clientIp ignored unless tokens are bound to the client's address
   */
  public String sign(String prefix, long expiresEpochSecond, String clientIp) {
    return expiresEpochSecond + "." + mac(prefix, expiresEpochSecond, clientIp);
  }

  public Check check(String token, String prefix, String clientIp, long nowEpochSecond) {
    if (token == null || token.isEmpty()) {
      return Check.MISSING;
    }
    Matcher m = TOKEN.matcher(token);
    if (!m.matches()) {
      return Check.MALFORMED;
    }
    long expires = Long.parseLong(m.group(1));
    byte[] expected = mac(prefix, expires, clientIp).getBytes(StandardCharsets.US_ASCII);
    byte[] given = m.group(2).getBytes(StandardCharsets.US_ASCII);
    // Constant time: the comparison must not tell an attacker how much of the MAC was right.
    if (!MessageDigest.isEqual(expected, given)) {
      return Check.BAD_SIGNATURE;
    }
    return nowEpochSecond < expires ? Check.OK : Check.EXPIRED;
  }

  private String mac(String prefix, long expires, String clientIp) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      String ip = bindIp ? (clientIp == null ? "" : clientIp) : "*";
      byte[] d =
          mac.doFinal((prefix + "\n" + expires + "\n" + ip).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
