package dev.segmentflow.transcode.ladder;

import java.io.Serializable;

/**
 * One step of a ladder template: a picture size named by its short side, and the bitrates at the
 * template's reference frame rate.
 */
public record Rung(String name, int shortSide, long videoKbps, String profile, long audioKbps)
    implements Serializable {}
