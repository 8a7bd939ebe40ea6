package dev.segmentflow.edge;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range from a {@code Range} header (RFC 9110 14.1.2), resolved against the object's
 * length. Several ranges are answered with the whole object, which the RFC allows.
 */
public record ByteRange(long first, long last) {
  private static final Pattern ONE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

  /** What to do with a Range header. */
  public sealed interface Answer permits Whole, Partial, Unsatisfiable {}

  /** No header, or one we answer with the whole object. */
  public record Whole() implements Answer {}

  public record Partial(ByteRange range) implements Answer {}

  /** 416: the range starts beyond the end, or is malformed. */
  public record Unsatisfiable() implements Answer {}

  public long length() {
    return last - first + 1;
  }

  public String contentRange(long total) {
    return "bytes " + first + "-" + last + "/" + total;
  }

  public static Answer resolve(Optional<String> header, long total) {
    if (header.isEmpty()) {
      return new Whole();
    }
    String h = header.get().strip();
    if (h.contains(",")) {
      return new Whole();
    }
    Matcher m = ONE.matcher(h);
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return new Unsatisfiable();
    }
    if (m.group(1).isEmpty()) {
      long suffix = Long.parseLong(m.group(2));
      if (suffix == 0 || total == 0) {
        return new Unsatisfiable();
      }
      return new Partial(new ByteRange(Math.max(0, total - suffix), total - 1));
    }
    long first = Long.parseLong(m.group(1));
    long last = m.group(2).isEmpty() ? total - 1 : Long.parseLong(m.group(2));
    if (first >= total || last < first) {
      return new Unsatisfiable();
    }
    return new Partial(new ByteRange(first, Math.min(last, total - 1)));
  }
}
