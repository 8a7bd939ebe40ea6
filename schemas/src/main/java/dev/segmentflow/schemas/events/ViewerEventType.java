package dev.segmentflow.schemas.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a player did; names on the wire are the snake_case ones players send. */
public enum ViewerEventType {
  @JsonProperty("play_request")
  PLAY_REQUEST,
  @JsonProperty("first_frame")
  FIRST_FRAME,
  @JsonProperty("heartbeat")
  HEARTBEAT,
  @JsonProperty("stall_start")
  STALL_START,
  @JsonProperty("stall_end")
  STALL_END,
  @JsonProperty("bitrate_switch")
  BITRATE_SWITCH,
  @JsonProperty("seek")
  SEEK,
  @JsonProperty("error")
  ERROR,
  @JsonProperty("end")
  END
}
