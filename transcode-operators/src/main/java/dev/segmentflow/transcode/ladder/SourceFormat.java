package dev.segmentflow.transcode.ladder;

/**
 * What the planner needs from a source: coded size, pixel shape, frame rate, overall bitrate (null
 * when unknown) and whether there is audio.
 */
public record SourceFormat(
    int width,
    int height,
    double sampleAspect,
    double frameRate,
    Long bitrateKbps,
    boolean hasAudio) {}
