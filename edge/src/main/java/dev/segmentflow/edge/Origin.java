package dev.segmentflow.edge;

import dev.segmentflow.transcode.store.OriginStore;
import java.io.FileNotFoundException;
import java.io.IOException;

/** Where cache misses go. */
public interface Origin {
  /**
   * @throws FileNotFoundException when the origin has no such object
   */
  byte[] fetch(String key) throws IOException;

  /** The origin store (file:// or s3a://) the transcoder writes. */
  static Origin of(OriginStore store) {
    return store::read;
  }
}
