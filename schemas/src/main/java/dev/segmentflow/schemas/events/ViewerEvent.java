package dev.segmentflow.schemas.events;

/**
 * A player event on viewer.events, from beacons, from CMCD seen at the edge, or sent directly.
 *
 * <p>The CMCD-derived fields carry CTA-5004 keys: {@code bl} buffer length, {@code br} encoded
 * bitrate, {@code mtp} measured throughput, {@code sid} session, {@code cid} content, {@code bs}
 * buffer starvation, {@code su} startup.
 *
 * <p>{@code playerWidth}/{@code playerHeight} are the size the player draws the video at and {@code
 * videoWidth}/{@code videoHeight} the size of the rendition playing, both in pixels, when the
 * player reports them: together they say whether the picture is upscaled or downscaled.
 */
public record ViewerEvent(
    int schemaVersion,
    String eventId,
    ViewerEventType type,
    String sessionId,
    String viewerId,
    String assetId,
    String region,
    @Nullable String edgeId,
    @Nullable String device,
    long eventTimeMillis,
    @Nullable Double positionSeconds,
    @Nullable Long bitrateKbps,
    @Nullable Long bufferLengthMillis,
    @Nullable Long measuredThroughputKbps,
    @Nullable Boolean bufferStarvation,
    @Nullable Boolean startup,
    @Nullable Boolean fatal,
    @Nullable String errorCode,
    @Nullable Integer playerWidth,
    @Nullable Integer playerHeight,
    @Nullable Integer videoWidth,
    @Nullable Integer videoHeight)
    implements Event {
  public static final int VERSION = 1;

  /** Players that do not send an id get one from what identifies the event itself. */
  public static String idFor(
      String sessionId, ViewerEventType type, long eventTimeMillis, long seq) {
    return Ids.of("viewer", sessionId, type, eventTimeMillis, seq);
  }

  @Override
  public String id() {
    return eventId;
  }
}
