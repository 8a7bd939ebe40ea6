package dev.segmentflow.viewersim;

import dev.segmentflow.schemas.Json;
import dev.segmentflow.schemas.events.ViewerEvent;
import dev.segmentflow.schemas.events.ViewerEventType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One HLS player session against an edge, in real time: master and media playlists, then segment
 * after segment over a {@link ShapedLink}, renditions chosen by {@link BufferBasedAbr}. Every
 * request carries CMCD (CTA-5004) in the query; play, first frame, stalls, switches, heartbeats and
 * the end are POSTed to the edge's /beacon, as a player SDK would.
 */
public final class SimulatedPlayer {
  /** What the session did, for the simulation's summary. */
  public record Report(
      String sessionId,
      String region,
      String assetId,
      int segments,
      long bytes,
      Long startupMs,
      int stalls,
      long stallMs,
      long playedMs,
      int switches,
      double meanBitrateKbps,
      int beaconsRefused,
      String error) {}

  public record Session(
      String edgeUrl,
      String region,
      String assetId,
      String sessionId,
      String viewerId,
      String device,
      long bandwidthKbps,
      int segmentsToWatch,
      long deadlineMillis) {
    /** A session that watches its segments however long that takes. */
    public Session(
        String edgeUrl,
        String region,
        String assetId,
        String sessionId,
        String viewerId,
        String device,
        long bandwidthKbps,
        int segmentsToWatch) {
      this(
          edgeUrl,
          region,
          assetId,
          sessionId,
          viewerId,
          device,
          bandwidthKbps,
          segmentsToWatch,
          Long.MAX_VALUE);
    }
  }

  private static final double MAX_BUFFER_SECONDS = 30;
  private static final long HEARTBEAT_MS = 10_000;

  private final HttpClient http;
  private final BufferBasedAbr abr;
  private final LongSupplier clock;
  private final Session s;
  private final ShapedLink link;
  private final List<ViewerEvent> pending = new ArrayList<>();
  private int eventSeq;
  private int beaconsRefused;
  private double position;
  private long bitrateKbps;
  private int videoWidth;
  private int videoHeight;
  private long lastThroughputKbps;

  public SimulatedPlayer(HttpClient http, BufferBasedAbr abr, LongSupplier clock, Session s) {
    this.http = http;
    this.abr = abr;
    this.clock = clock;
    this.s = s;
    this.link = new ShapedLink(s.bandwidthKbps());
  }

  public Report play() {
    long started = clock.getAsLong();
    emit(ViewerEventType.PLAY_REQUEST, null, null);
    flush();
    int segments = 0;
    long bytes = 0;
    Long startupMs = null;
    int stalls = 0;
    long stallMs = 0;
    int switches = 0;
    double bitrateSeconds = 0;
    double buffer = 0;
    try {
      URI master = URI.create(s.edgeUrl() + "/hls/" + s.assetId() + "/master.m3u8");
      List<HlsPlaylists.Variant> variants = HlsPlaylists.master(master, text(master, "m", true));
      long[] ladder = variants.stream().mapToLong(v -> v.bandwidthBps() / 1000).toArray();
      HlsPlaylists.Media[] media = new HlsPlaylists.Media[variants.size()];
      boolean[] initFetched = new boolean[variants.size()];
      int rung = 0;
      long lastBeat = clock.getAsLong();
      for (int i = 0; i < s.segmentsToWatch() && clock.getAsLong() < s.deadlineMillis(); i++) {
        int next = abr.choose(buffer, rung, ladder);
        boolean switched = next != rung && startupMs != null;
        rung = next;
        bitrateKbps = ladder[rung];
        videoWidth = variants.get(rung).width();
        videoHeight = variants.get(rung).height();
        if (switched) {
          switches++;
          emit(ViewerEventType.BITRATE_SWITCH, null, null);
        }
        if (media[rung] == null) {
          URI uri = variants.get(rung).uri();
          media[rung] = HlsPlaylists.media(uri, text(uri, "m", startupMs == null));
        }
        if (i >= media[rung].segments().size()) {
          break;
        }
        long t0 = clock.getAsLong();
        if (media[rung].init() != null && !initFetched[rung]) {
          bytes += fetch(media[rung].init(), "i", buffer, startupMs == null);
          initFetched[rung] = true;
        }
        HlsPlaylists.Segment seg = media[rung].segments().get(i);
        long got = fetch(seg.uri(), "v", buffer, startupMs == null);
        long took = Math.max(1, clock.getAsLong() - t0);
        bytes += got;
        segments++;
        lastThroughputKbps = got * 8 / took;
        if (startupMs == null) {
          startupMs = clock.getAsLong() - started;
          emit(ViewerEventType.FIRST_FRAME, null, null);
          buffer = seg.durationSeconds();
        } else {
          // Playback drained the buffer while the segment downloaded; below empty is a stall.
          double drained = took / 1000.0;
          if (drained > buffer) {
            long stall = (long) ((drained - buffer) * 1000);
            stalls++;
            stallMs += stall;
            position += buffer;
            emitAt(ViewerEventType.STALL_START, clock.getAsLong() - stall);
            emit(ViewerEventType.STALL_END, null, null);
            buffer = 0;
          } else {
            buffer -= drained;
            position += drained;
          }
          buffer += seg.durationSeconds();
        }
        bitrateSeconds += ladder[rung] * seg.durationSeconds();
        if (buffer > MAX_BUFFER_SECONDS) {
          // A full buffer: play in real time until there is room for the next segment.
          double wait = buffer - MAX_BUFFER_SECONDS;
          Thread.sleep((long) (wait * 1000));
          buffer -= wait;
          position += wait;
        }
        if (clock.getAsLong() - lastBeat >= HEARTBEAT_MS) {
          emit(ViewerEventType.HEARTBEAT, null, null);
          lastBeat = clock.getAsLong();
        }
        flush();
      }
      // Play out what is buffered (until the deadline, so a simulation ends on time), then leave.
      long tail =
          Math.max(0, Math.min((long) (buffer * 1000), s.deadlineMillis() - clock.getAsLong()));
      Thread.sleep(tail);
      position += tail / 1000.0;
      emit(ViewerEventType.END, null, null);
      flush();
      return report(segments, bytes, startupMs, stalls, stallMs, switches, bitrateSeconds, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      emit(ViewerEventType.END, null, null);
      flush();
      return report(segments, bytes, startupMs, stalls, stallMs, switches, bitrateSeconds, null);
    } catch (IOException | RuntimeException e) {
      String code = e instanceof HttpStatus h ? "HTTP_" + h.status : "NETWORK";
      emit(ViewerEventType.ERROR, true, code);
      flush();
      return report(
          segments, bytes, startupMs, stalls, stallMs, switches, bitrateSeconds, e.getMessage());
    }
  }

  private Report report(
      int segments,
      long bytes,
      Long startupMs,
      int stalls,
      long stallMs,
      int switches,
      double bitrateSeconds,
      String error) {
    return new Report(
        s.sessionId(),
        s.region(),
        s.assetId(),
        segments,
        bytes,
        startupMs,
        stalls,
        stallMs,
        (long) (position * 1000),
        switches,
        position > 0 ? bitrateSeconds / Math.max(position, 1e-9) : 0,
        beaconsRefused,
        error);
  }

  private String text(URI uri, String objectType, boolean startup) throws IOException {
    HttpResponse<InputStream> r = get(uri, objectType, 0, startup);
    try (InputStream in = r.body()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private long fetch(URI uri, String objectType, double buffer, boolean startup)
      throws IOException {
    HttpResponse<InputStream> r = get(uri, objectType, buffer, startup);
    try (InputStream in = r.body()) {
      return link.drain(in);
    }
  }

  private HttpResponse<InputStream> get(URI uri, String objectType, double buffer, boolean startup)
      throws IOException {
    String cmcd = cmcd(objectType, buffer, startup);
    URI withCmcd =
        URI.create(
            uri
                + (uri.getQuery() == null ? "?" : "&")
                + "CMCD="
                + URLEncoder.encode(cmcd, StandardCharsets.UTF_8));
    HttpResponse<InputStream> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(withCmcd).timeout(Duration.ofSeconds(30)).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (r.statusCode() != 200) {
      r.body().close();
      throw new HttpStatus(r.statusCode(), uri);
    }
    return r;
  }

  /** CMCD keys in the order CTA-5004 lists them alphabetically; strings quoted. */
  private String cmcd(String objectType, double buffer, boolean startup) {
    StringBuilder b = new StringBuilder();
    b.append("bl=").append(Math.round(buffer * 1000 / 100) * 100);
    if (bitrateKbps > 0) {
      b.append(",br=").append(bitrateKbps);
    }
    b.append(",cid=\"").append(s.assetId()).append('"');
    if (lastThroughputKbps > 0) {
      b.append(",mtp=").append(Math.round(lastThroughputKbps / 100.0) * 100);
    }
    b.append(",ot=").append(objectType);
    b.append(",sf=h");
    b.append(",sid=\"").append(s.sessionId()).append('"');
    b.append(",st=v");
    if (startup) {
      b.append(",su");
    }
    return b.toString();
  }

  private void emit(ViewerEventType type, Boolean fatal, String errorCode) {
    emitAt(type, clock.getAsLong(), fatal, errorCode);
  }

  private void emitAt(ViewerEventType type, long at) {
    emitAt(type, at, null, null);
  }

  private void emitAt(ViewerEventType type, long at, Boolean fatal, String errorCode) {
    long seq = eventSeq++;
    Integer[] screen = screen(s.device());
    pending.add(
        new ViewerEvent(
            ViewerEvent.VERSION,
            ViewerEvent.idFor(s.sessionId(), type, at, seq),
            type,
            s.sessionId(),
            s.viewerId(),
            s.assetId(),
            s.region(),
            null,
            s.device(),
            at,
            position,
            bitrateKbps > 0 ? bitrateKbps : null,
            null,
            lastThroughputKbps > 0 ? lastThroughputKbps : null,
            null,
            null,
            fatal,
            errorCode,
            screen[0],
            screen[1],
            videoWidth > 0 ? videoWidth : null,
            videoHeight > 0 ? videoHeight : null));
  }

  /** The size a device draws video at: a TV fills 1080p, a browser window 720p, a phone 360p. */
  static Integer[] screen(String device) {
    return switch (device) {
      case "tv" -> new Integer[] {1920, 1080};
      case "web" -> new Integer[] {1280, 720};
      case "mobile" -> new Integer[] {640, 360};
      default -> new Integer[] {null, null};
    };
  }

  /** Sends what is pending as one beacon; a refused one is counted for the report. */
  private void flush() {
    if (pending.isEmpty()) {
      return;
    }
    String body = Json.string(pending);
    pending.clear();
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(s.edgeUrl() + "/beacon"))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 202) {
        beaconsRefused++;
      }
    } catch (IOException e) {
      // The edge is gone; the session ends on its next request.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A non-200 answer from the edge. */
  static final class HttpStatus extends IOException {
    final int status;

    HttpStatus(int status, URI uri) {
      super("HTTP " + status + " for " + uri.getPath());
      this.status = status;
    }
  }
}
