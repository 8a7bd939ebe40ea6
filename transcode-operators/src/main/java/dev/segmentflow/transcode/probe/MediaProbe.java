package dev.segmentflow.transcode.probe;

/**
 * What ffprobe says about a media file that holds a usable video stream.
 *
 * @param sampleAspect width of a pixel over its height (1.0 for square pixels)
 * @param bitrateKbps the container's overall bitrate; null when the container does not say
 * @param videoFrames frames in the video stream when the container says; null otherwise
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
    Long videoFrames) {

  /** Width as displayed, after the sample aspect ratio. */
  public double displayWidth() {
    return width * sampleAspect;
  }
}
