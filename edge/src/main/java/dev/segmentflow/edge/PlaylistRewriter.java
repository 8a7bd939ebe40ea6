package dev.segmentflow.edge;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Per-request changes to a playlist's text: tokens on child URIs, content-steering pathways. */
public final class PlaylistRewriter {
  private static final Pattern QUOTED_URI = Pattern.compile("URI=\"([^\"]*)\"");

  private PlaylistRewriter() {}

  /** Every URI the playlist references (lines and {@code URI="..."} attributes) gets the token. */
  public static String withToken(String text, String token) {
    StringBuilder b = new StringBuilder(text.length() + 64);
    for (String line : text.split("\n", -1)) {
      String stripped = line.strip();
      if (stripped.isEmpty()) {
        b.append(line).append('\n'); // a blank line, whitespace or not, stays one
        continue;
      }
      // A line that is a tag once stripped is no URI: a token appended to it would turn it into
      // a tag for the next reader too, with the token inside.
      if (line.startsWith("#") || stripped.startsWith("#")) {
        Matcher m = QUOTED_URI.matcher(line);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
          m.appendReplacement(
              out, Matcher.quoteReplacement("URI=\"" + addToken(m.group(1), token) + "\""));
        }
        m.appendTail(out);
        b.append(out);
      } else {
        b.append(addToken(stripped, token));
      }
      b.append('\n');
    }
    b.setLength(b.length() - 1); // split kept the text's final newline as an empty last line
    return b.toString();
  }

  private static String addToken(String uri, String token) {
    return uri + (uri.contains("?") ? "&" : "?") + UrlSigner.QUERY + "=" + token;
  }

  /**
   * A master playlist offered over several edges: each variant once per pathway, with absolute URIs
   * on that edge, and the steering server the player asks which pathway to use.
   *
   * @param assetPath the master's folder on every edge, e.g. {@code /hls/a1/}
   */
  public static String steered(
      String master, List<ContentSteering.Pathway> pathways, String assetPath, String serverUri) {
    String[] lines = master.split("\n");
    StringBuilder b = new StringBuilder();
    int i = 0;
    // header tags (up to the first variant) stay as they are; steering goes right after them
    while (i < lines.length && !lines[i].startsWith("#EXT-X-STREAM-INF:")) {
      b.append(lines[i]).append('\n');
      i++;
    }
    b.append("#EXT-X-CONTENT-STEERING:SERVER-URI=\"")
        .append(serverUri)
        .append("\",PATHWAY-ID=\"")
        .append(pathways.get(0).id())
        .append("\"\n");
    for (ContentSteering.Pathway p : pathways) {
      for (int j = i; j < lines.length; j++) {
        String l = lines[j];
        if (l.startsWith("#EXT-X-STREAM-INF:")) {
          b.append(l).append(",PATHWAY-ID=\"").append(p.id()).append("\"\n");
        } else if (!l.isEmpty() && !l.startsWith("#")) {
          b.append(p.baseUrl()).append(assetPath).append(l.strip()).append('\n');
        } else if (!l.isEmpty()) {
          b.append(l).append('\n');
        }
      }
    }
    return b.toString();
  }
}
