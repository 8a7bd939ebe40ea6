package dev.segmentflow.schemas.events;

/** HLS segment container: MPEG-TS, or CMAF fragmented MP4 with an init segment (EXT-X-MAP). */
public enum Packaging {
  TS,
  FMP4
}
