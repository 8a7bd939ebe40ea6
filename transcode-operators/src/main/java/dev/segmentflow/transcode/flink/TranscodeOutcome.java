package dev.segmentflow.transcode.flink;

import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.RenderedSegment;
import dev.segmentflow.schemas.events.SourceSegment;
import java.util.List;

/**
 * What became of one source segment: its renditions, or the dead letter saying why none. An array,
 * not a list: Flink serializes an array of records field by field, a list through Kryo, which
 * cannot build records.
 */
public record TranscodeOutcome(
    SourceSegment source, RenderedSegment[] rendered, DeadLetter deadLetter) {
  public static TranscodeOutcome done(SourceSegment source, List<RenderedSegment> rendered) {
    return new TranscodeOutcome(source, rendered.toArray(new RenderedSegment[0]), null);
  }

  public static TranscodeOutcome failed(SourceSegment source, DeadLetter letter) {
    return new TranscodeOutcome(source, new RenderedSegment[0], letter);
  }

  public boolean ok() {
    return deadLetter == null;
  }
}
