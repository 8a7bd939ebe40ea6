package dev.segmentflow.transcode.encode;

/** A failure that may pass on a retry: the encoder killed by the system, a store I/O error. */
public final class TransientFailure extends Exception {
  public TransientFailure(String message, Throwable cause) {
    super(message, cause);
  }

  public TransientFailure(String message) {
    super(message);
  }
}
