package dev.segmentflow.transcode.probe;

/**
 * What ffprobe says about a media file that holds a usable video stream.
 *
 * @param sampleAspect width of a pixel over its height (1.0 for square pixels)
 * @param bitrateKbps the container's overall bitrate; null when the container does not say
 * @param videoFrames frames in the video stream when the container says; null otherwise
 * @param videoStartSeconds the video stream's first timestamp (the container's may be earlier)
 * @param nominalFrameRate the stream's base rate (r_frame_rate); 0 when unknown
 * @param rotation the display matrix's angle in degrees (0, 90, 180 or 270); players apply it
 * @param interlaced whether the video is coded as fields
 */
public record MediaProbe(
    String formatName,
    double durationSeconds,
    double startSeconds,
    String videoCodec,
    int width,
    int height,
    double sampleAspect,
    double frameRate,
    Long bitrateKbps,
    boolean hasAudio,
    Long videoFrames,
    double videoStartSeconds,
    double nominalFrameRate,
    int rotation,
    boolean interlaced) {

  /** Width as displayed, after the sample aspect ratio. */
  public double displayWidth() {
    return width * sampleAspect;
  }

  /** Whether a player turns the picture on its side. */
  public boolean quarterTurned() {
    return rotation == 90 || rotation == 270;
  }
}
