package dev.segmentflow.transcode.flink;

import dev.segmentflow.schemas.events.DeadLetter;
import dev.segmentflow.schemas.events.RenderedSegment;
import dev.segmentflow.schemas.events.SourceSegment;
import java.util.ArrayList;
import java.util.List;

/** What became of one source segment: its renditions, or the dead letter saying why none. */
public record TranscodeOutcome(
    SourceSegment source, ArrayList<RenderedSegment> rendered, DeadLetter deadLetter) {
  public static TranscodeOutcome done(SourceSegment source, List<RenderedSegment> rendered) {
    return new TranscodeOutcome(source, new ArrayList<>(rendered), null);
  }

  public static TranscodeOutcome failed(SourceSegment source, DeadLetter letter) {
    return new TranscodeOutcome(source, new ArrayList<>(), letter);
  }

  public boolean ok() {
    return deadLetter == null;
  }
}
