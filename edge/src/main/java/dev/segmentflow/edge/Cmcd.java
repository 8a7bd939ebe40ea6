package dev.segmentflow.edge;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Common Media Client Data (CTA-5004) sent by a player with each request, from the {@code CMCD}
 * query parameter or the four {@code CMCD-Object/Request/Session/Status} headers. Values are typed
 * as the standard defines its keys; an unknown key is kept as given (custom keys must hold a
 * hyphen, e.g. {@code com.example-x}). A payload that breaks the grammar is refused as a whole.
 */
public record Cmcd(Map<String, Object> values) {
  public static final Set<String> HEADERS =
      Set.of("CMCD-Object", "CMCD-Request", "CMCD-Session", "CMCD-Status");

  private static final Set<String> INTEGERS =
      Set.of("br", "d", "tb", "bl", "dl", "mtp", "rtp", "v");
  private static final Set<String> STRINGS = Set.of("cid", "sid", "nor", "nrr");
  private static final Set<String> TOKENS = Set.of("ot", "sf", "st");
  private static final Set<String> BOOLEANS = Set.of("su", "bs");
  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9]*|[a-z0-9.]+-[a-zA-Z0-9.-]+");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~:/-]*");
  private static final int MAX_STRING = 64;
  private static final int MAX_PAYLOAD = 2048;

  /** A payload that does not follow CTA-5004. */
  public static final class Malformed extends Exception {
    public Malformed(String message) {
      super(message);
    }
  }

  /** A {@code CMCD-Session} header value naming a session, as a player writes it. */
  public static String sessionHeader(String sessionId) {
    return "sid=\"" + sessionId.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  public static Cmcd empty() {
    return new Cmcd(Map.of());
  }

  /** Merges the query parameter and the headers (a key in both: the query wins). */
  public static Cmcd of(String queryValue, Map<String, String> headers) throws Malformed {
    Map<String, Object> all = new LinkedHashMap<>();
    for (String h : HEADERS) {
      String v = headers.get(h);
      if (v != null && !v.isBlank()) {
        all.putAll(parse(v).values());
      }
    }
    if (queryValue != null && !queryValue.isEmpty()) {
      all.putAll(parse(queryValue).values());
    }
    return new Cmcd(all);
  }

  public static Cmcd parse(String payload) throws Malformed {
    if (payload.length() > MAX_PAYLOAD) {
      throw new Malformed("CMCD payload longer than " + MAX_PAYLOAD);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    int i = 0;
    int n = payload.length();
    while (i < n) {
      int eq = i;
      while (eq < n && payload.charAt(eq) != '=' && payload.charAt(eq) != ',') {
        eq++;
      }
      String key = payload.substring(i, eq).strip();
      if (!KEY.matcher(key).matches()) {
        throw new Malformed("bad CMCD key '" + key + "'");
      }
      Object value;
      if (eq == n || payload.charAt(eq) == ',') {
        value = Boolean.TRUE; // a key alone is a true boolean
        i = eq + 1;
      } else {
        int start = eq + 1;
        int end;
        if (start < n && payload.charAt(start) == '"') {
          StringBuilder s = new StringBuilder();
          int j = start + 1;
          boolean closed = false;
          while (j < n) {
            char c = payload.charAt(j);
            if (c == '\\' && j + 1 < n) {
              s.append(payload.charAt(j + 1));
              j += 2;
            } else if (c == '"') {
              closed = true;
              j++;
              break;
            } else {
              s.append(c);
              j++;
            }
          }
          if (!closed) {
            throw new Malformed("unterminated string for " + key);
          }
          value = s.toString();
          end = j;
        } else {
          end = start;
          while (end < n && payload.charAt(end) != ',') {
            end++;
          }
          value = payload.substring(start, end).strip();
        }
        if (end < n && payload.charAt(end) != ',') {
          throw new Malformed("junk after the value of " + key);
        }
        i = end + 1;
      }
      if (out.containsKey(key)) {
        throw new Malformed("key " + key + " given twice");
      }
      out.put(key, typed(key, value));
    }
    return new Cmcd(out);
  }

  private static Object typed(String key, Object raw) throws Malformed {
    if (BOOLEANS.contains(key)) {
      if (raw == Boolean.TRUE || "false".equals(raw)) {
        return raw == Boolean.TRUE;
      }
      throw new Malformed(key + " is a boolean: the key alone means true");
    }
    if (raw == Boolean.TRUE) {
      throw new Malformed(key + " needs a value");
    }
    String v = (String) raw;
    if (INTEGERS.contains(key)) {
      try {
        long x = Long.parseLong(v);
        if (x < 0) {
          throw new Malformed(key + " must not be negative");
        }
        return x;
      } catch (NumberFormatException e) {
        throw new Malformed(key + " must be an integer, not '" + v + "'");
      }
    }
    if (key.equals("pr")) {
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new Malformed("pr must be a decimal, not '" + v + "'");
      }
    }
    if (STRINGS.contains(key) && v.length() > MAX_STRING) {
      throw new Malformed(key + " longer than " + MAX_STRING + " characters");
    }
    if (TOKENS.contains(key) && !TOKEN.matcher(v).matches()) {
      throw new Malformed(key + " must be a token, not '" + v + "'");
    }
    return v;
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  public String string(String key) {
    Object v = values.get(key);
    return v instanceof String s ? s : null;
  }

  public Long integer(String key) {
    Object v = values.get(key);
    return v instanceof Long l ? l : null;
  }

  public boolean flag(String key) {
    return Boolean.TRUE.equals(values.get(key));
  }

  public String sessionId() {
    return string("sid");
  }

  public String contentId() {
    return string("cid");
  }
}
