package dev.segmentflow.transcode.probe;

import dev.segmentflow.schemas.validation.ReasonCode;

/** Input media that cannot become a ladder, with the dead-letter reason it earns. */
public final class MediaRejected extends Exception {
  private final ReasonCode reason;

  public MediaRejected(ReasonCode reason, String detail) {
    super(detail);
    this.reason = reason;
  }

  public ReasonCode reason() {
    return reason;
  }
}
