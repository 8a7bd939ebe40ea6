package dev.segmentflow.analytics.qoe;

import dev.segmentflow.schemas.events.ViewerEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.TreeMap;

/**
 * One playback session, fed its events in event-time order (the caller sorts within the
 * out-of-order bound). Time between two events counts for the state the player was in:
 *
 * <ul>
 *   <li>startup: play_request to first_frame; buffering before the first frame is startup, not
 *       rebuffering;
 *   <li>play: playing; stall: buffering after playback began (a rebuffer);
 *   <li>seek: buffering that starts within {@link #SEEK_GRACE_MS} of a seek is seek time, not a
 *       rebuffer;
 *   <li>a fatal error ends the session as failed: a video start failure before the first frame, a
 *       playback failure after it; a recoverable one is counted;
 *   <li>ending (or going silent) before the first frame, without a failure, is an exit before video
 *       start;
 *   <li>a seek's video restart time runs from the seek to the end of the buffering it caused (0
 *       when it caused none); seeks made while the previous one is still restarting are one seek
 *       (scrubbing);
 *   <li>play time is split by the bitrate being played (time at each rendition); the peak bitrate
 *       is the highest one actually played;
 *   <li>play time with the picture upscaled (fitted into the player at a scale above 1) or
 *       downscaled (below 1), over the play time whose player and video sizes are known;
 *   <li>a bitrate switch counts once video has started (the first pick is not a switch).
 * </ul>
 *
 * A session that goes silent is closed by the caller with {@link #closeInactive(long)}; time after
 * its last event is not counted. Event ids already seen are ignored, so a redelivered event changes
 * nothing. CMCD-only sessions (heartbeats from the edge, no play_request) start playing at their
 * first heartbeat, with no startup time.
 */
public final class SessionStateMachine {
  public static final long SEEK_GRACE_MS = 2_000;

  /** What happened to an event handed to {@link #apply}. */
  public enum Outcome {
    ACCEPTED,
    DUPLICATE,
    /** The session had already ended: the event contradicts what came before. */
    AFTER_END
  }

  enum State {
    IDLE,
    STARTING,
    PLAYING,
    STALLED,
    SEEKING,
    ENDED
  }

  /** Orders events of the same millisecond the way a player emits them. */
  public static final Comparator<ViewerEvent> EVENT_ORDER =
      Comparator.comparingLong(ViewerEvent::eventTimeMillis)
          .thenComparing(ViewerEvent::type)
          .thenComparing(ViewerEvent::eventId);

  private State state = State.IDLE;
  private String sessionId;
  private String viewerId;
  private String assetId;
  private String region;
  private String edgeId;
  private String device;
  private long startedAt = -1;
  private long lastEventAt = -1;
  private long since = -1;
  private long playRequestAt = -1;
  private long lastSeekAt = Long.MIN_VALUE;
  private Long startupMs;
  private long playMs;
  private long stallMs;
  private long seekMs;
  private int stallCount;
  private int switches;
  private int recoverableErrors;
  private boolean failed;
  private boolean startFailed;
  private boolean exitBeforeStart;
  private int seeks;
  private long restartMs;
  private long restartingSince = -1;
  private long peakBitrateKbps = -1;
  private TreeMap<Long, Long> playMsByBitrate = new TreeMap<>();
  private long throughputKbps = -1;
  private int[] sizes = {-1, -1, -1, -1}; // player width, height; video width, height
  private long sizedMs;
  private long upscaledMs;
  private long downscaledMs;
  private Waiting.Kind waitingFor;
  private long waitingSince = -1;
  // Drained by the caller before the machine is stored, so never part of the stored state
  // (transient: Kryo, which stores the machine, cannot write records).
  private transient ArrayList<Waiting> waits;
  private String endReason;
  private long endedAt = -1;
  private long bitrateKbps = -1;
  private double bitrateKbpsMs;
  private long accepted;
  private HashSet<String> seen = new HashSet<>();
  private TreeMap<Long, MinuteSlice> slices = new TreeMap<>();

  public Outcome apply(ViewerEvent e) {
    if (seen.contains(e.eventId())) {
      return Outcome.DUPLICATE;
    }
    if (state == State.ENDED) {
      return Outcome.AFTER_END;
    }
    seen.add(e.eventId());
    accepted++;
    long t = Math.max(e.eventTimeMillis(), lastEventAt); // ordered by the caller; never go back
    identify(e);
    if (startedAt < 0) {
      startedAt = t;
    }
    MinuteSlice slice = slice(t);
    slice.active = true;
    account(t, slice);
    lastEventAt = t;
    if (e.measuredThroughputKbps() != null) {
      throughputKbps = e.measuredThroughputKbps();
    }
    sizes(e);
    State before = state;
    switch (e.type()) {
      case PLAY_REQUEST -> {
        if (state == State.IDLE) {
          state = State.STARTING;
          playRequestAt = t;
        }
      }
      case FIRST_FRAME -> {
        if (state == State.STARTING) {
          startupMs = t - playRequestAt;
          slice.startupsMs.add(startupMs);
          state = State.PLAYING;
        } else if (state == State.IDLE) {
          state = State.PLAYING;
        }
        bitrate(e);
      }
      case HEARTBEAT -> {
        if (state == State.IDLE) {
          state = State.PLAYING;
        }
        bitrate(e);
      }
      case STALL_START -> {
        if (state == State.PLAYING) {
          if (lastSeekAt != Long.MIN_VALUE && t - lastSeekAt <= SEEK_GRACE_MS) {
            state = State.SEEKING;
          } else {
            state = State.STALLED;
            stallCount++;
            slice.stalls++;
          }
        }
      }
      case STALL_END -> {
        if (state == State.SEEKING && restartingSince >= 0) {
          restartMs += t - restartingSince;
          slice.restarts++;
          slice.restartMs += t - restartingSince;
          restartingSince = -1;
        }
        if (state == State.STALLED || state == State.SEEKING) {
          state = State.PLAYING;
        }
      }
      case SEEK -> {
        // a new seek, unless the last one is still restarting (scrubbing)
        if (restartingSince < 0
            || (t - restartingSince > SEEK_GRACE_MS && state == State.PLAYING)) {
          seeks++;
          restartingSince = t;
        }
        lastSeekAt = t;
        if (state == State.STALLED) {
          state = State.SEEKING; // the viewer gave up on the stall and jumped: the rest is seeking
        }
      }
      case BITRATE_SWITCH -> {
        // the first pick before video starts is a choice, not a switch
        if (state == State.PLAYING || state == State.STALLED || state == State.SEEKING) {
          switches++;
          slice.switches++;
        }
        bitrate(e);
      }
      case ERROR -> {
        if (Boolean.TRUE.equals(e.fatal())) {
          failed = true;
          slice.failures++;
          if (state == State.IDLE || state == State.STARTING) {
            startFailed = true;
            slice.startFailures++;
          }
          end(t, "fatal_error");
        } else {
          recoverableErrors++;
        }
      }
      case END -> {
        if (state == State.IDLE || state == State.STARTING) {
          exitBeforeStart = true;
          slice.exitsBeforeStart++;
        }
        end(t, "ended");
      }
    }
    if (state != before) {
      waited(t);
    }
    return Outcome.ACCEPTED;
  }

  /** Opens and closes the waiting stretches at each change of state. */
  private void waited(long t) {
    Waiting.Kind now =
        switch (state) {
          case STARTING -> Waiting.Kind.STARTUP;
          case STALLED -> Waiting.Kind.STALL;
          case SEEKING -> Waiting.Kind.SEEK;
          default -> null;
        };
    if (waitingFor != null && now != waitingFor) {
      // a startup only counts once it ended in video; the others whenever they end
      boolean counted = waitingFor != Waiting.Kind.STARTUP || state == State.PLAYING;
      if (counted && t > waitingSince) {
        if (waits == null) {
          waits = new ArrayList<>();
        }
        waits.add(
            new Waiting(
                sessionId,
                assetId,
                region,
                edgeId(),
                waitingFor,
                waitingSince,
                t,
                bitrateKbps >= 0 ? bitrateKbps : null,
                throughputKbps >= 0 ? throughputKbps : null));
      }
      waitingFor = null;
    }
    if (now != null && now != waitingFor) {
      waitingFor = now;
      waitingSince = t;
    }
  }

  /** Removes and returns the waiting stretches that have ended. */
  public List<Waiting> drainWaits() {
    if (waits == null || waits.isEmpty()) {
      return List.of();
    }
    List<Waiting> out = new ArrayList<>(waits);
    waits.clear();
    return out;
  }

  /**
   * The session went silent: it ends at its last event. An exit before start found this way is
   * counted in the minute it was found ({@code nowMillis}), since the minute of the last event has
   * already been reported by then.
   */
  public void closeInactive(long nowMillis) {
    if (state == State.ENDED || lastEventAt < 0) {
      return;
    }
    if (state == State.IDLE || state == State.STARTING) {
      exitBeforeStart = true;
      MinuteSlice found = slice(Math.max(nowMillis, lastEventAt));
      found.exitsBeforeStart++;
    }
    end(lastEventAt, "inactive");
    waited(lastEventAt);
  }

  private void end(long t, String reason) {
    state = State.ENDED;
    endedAt = t;
    endReason = reason;
  }

  /**
   * Time since the previous event goes to the state the player was in, in the minute of {@code t}.
   */
  private void account(long t, MinuteSlice slice) {
    if (since >= 0) {
      long d = t - since;
      switch (state) {
        case PLAYING -> {
          playMs += d;
          slice.playMs += d;
          if (bitrateKbps >= 0 && d > 0) {
            bitrateKbpsMs += (double) bitrateKbps * d;
            playMsByBitrate.merge(bitrateKbps, d, Long::sum);
            peakBitrateKbps = Math.max(peakBitrateKbps, bitrateKbps);
            slice.bitratePlayMs += d;
            slice.bitrateKbpsMs += (double) bitrateKbps * d;
            slice.peakBitrateKbps = Math.max(slice.peakBitrateKbps, bitrateKbps);
          }
          scaled(d);
          if (restartingSince >= 0 && t - restartingSince > SEEK_GRACE_MS) {
            restartingSince = -1; // the seek played on without buffering: it restarted at once
            slice.restarts++;
          }
        }
        case STALLED -> {
          stallMs += d;
          slice.stallMs += d;
        }
        case SEEKING -> {
          seekMs += d;
          slice.seekMs += d;
        }
        default -> {}
      }
    }
    since = t;
  }

  /** The sizes a beacon reports hold until the next one that reports them. */
  private void sizes(ViewerEvent e) {
    Integer[] reported = {e.playerWidth(), e.playerHeight(), e.videoWidth(), e.videoHeight()};
    for (int i = 0; i < 4; i++) {
      if (reported[i] != null) {
        sizes[i] = reported[i];
      }
    }
  }

  /** Play time at the scale the video is fitted into the player with, when both sizes are known. */
  private void scaled(long d) {
    if (d <= 0 || sizes[0] <= 0 || sizes[1] <= 0 || sizes[2] <= 0 || sizes[3] <= 0) {
      return;
    }
    sizedMs += d;
    double scale = Math.min((double) sizes[0] / sizes[2], (double) sizes[1] / sizes[3]);
    if (scale > 1) {
      upscaledMs += d;
    } else if (scale < 1) {
      downscaledMs += d;
    }
  }

  private void bitrate(ViewerEvent e) {
    if (e.bitrateKbps() != null) {
      bitrateKbps = e.bitrateKbps();
    }
  }

  private void identify(ViewerEvent e) {
    if (sessionId == null) {
      sessionId = e.sessionId();
      viewerId = e.viewerId();
      assetId = e.assetId();
      region = e.region();
    }
    if (edgeId == null && e.edgeId() != null) {
      edgeId = e.edgeId();
    }
    if (device == null && e.device() != null) {
      device = e.device();
    }
  }

  private MinuteSlice slice(long t) {
    long minute = MinuteSlice.minuteStart(t);
    return slices.computeIfAbsent(minute, m -> new MinuteSlice(m, this));
  }

  /**
   * Removes and returns the slices of minutes that end at or before {@code upToMillis}: once event
   * time has passed a minute, nothing can add to it.
   */
  public List<MinuteSlice> drainSlices(long upToMillis) {
    List<MinuteSlice> out = new ArrayList<>();
    while (!slices.isEmpty() && slices.firstKey() + 60_000 <= upToMillis) {
      MinuteSlice s = slices.pollFirstEntry().getValue();
      // identity may have been completed by a later event (edge, device)
      s.edgeId = edgeId();
      s.device = device();
      out.add(s);
    }
    return out;
  }

  public boolean hasSlices() {
    return !slices.isEmpty();
  }

  public boolean ended() {
    return state == State.ENDED;
  }

  public long lastEventAt() {
    return lastEventAt;
  }

  public long endedAt() {
    return endedAt;
  }

  public SessionSummary summary() {
    double avgBitrate = playMs == 0 ? 0 : bitrateKbpsMs / playMs;
    double rebufferRatio = SessionSummary.rebufferRatio(playMs, stallMs);
    double rebuffersPerMinute = SessionSummary.perMinute(stallCount, playMs);
    boolean playbackFailed = failed && !startFailed;
    long[] bitrates = new long[playMsByBitrate.size()];
    long[] bitrateMs = new long[bitrates.length];
    int i = 0;
    for (var e : playMsByBitrate.entrySet()) {
      bitrates[i] = e.getKey();
      bitrateMs[i++] = e.getValue();
    }
    return new SessionSummary(
        sessionId,
        viewerId,
        assetId,
        region,
        edgeId(),
        device(),
        startedAt,
        endedAt >= 0 ? endedAt : lastEventAt,
        startupMs,
        playMs,
        stallMs,
        seekMs,
        stallCount,
        rebufferRatio,
        switches,
        avgBitrate,
        recoverableErrors,
        failed,
        exitBeforeStart,
        endReason == null ? "open" : endReason,
        accepted,
        startFailed,
        playbackFailed,
        rebuffersPerMinute,
        seeks,
        seeks == 0 ? null : (double) restartMs / seeks,
        Math.max(0, peakBitrateKbps),
        bitrates,
        bitrateMs,
        ExperienceScore.of(
            startupMs,
            rebufferRatio,
            rebuffersPerMinute,
            avgBitrate,
            startFailed,
            playbackFailed,
            exitBeforeStart),
        sizedMs == 0 ? null : (double) upscaledMs / sizedMs,
        sizedMs == 0 ? null : (double) downscaledMs / sizedMs);
  }

  String sessionId() {
    return sessionId;
  }

  String assetId() {
    return assetId;
  }

  String region() {
    return region;
  }

  String edgeId() {
    return edgeId == null ? "" : edgeId;
  }

  String device() {
    return device == null ? "unknown" : device;
  }
}
