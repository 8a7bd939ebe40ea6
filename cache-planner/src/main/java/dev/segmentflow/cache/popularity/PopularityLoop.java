package dev.segmentflow.cache.popularity;

import dev.segmentflow.schemas.events.Directive;
import dev.segmentflow.schemas.events.EdgeRequest;
import dev.segmentflow.schemas.events.ViewerEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * The PopularityJob's computation as a single-threaded loop over time-ordered input: the same
 * {@link TitleActivityCombiner} and {@link TitlePopularity} on the same tick grid, ending like the
 * job does at the end of a bounded input (ticks go on until every title has decayed away). It is
 * the ground truth the job's tests compare against and the reference loop of bench/popularity.
 */
public final class PopularityLoop {
  /** Where a tick's output goes. */
  public interface Output {
    void directive(Directive d);

    void row(PopularityRow row);
  }

  private final PopularityConfig config;
  private final Output output;
  private final TitleActivityCombiner served = new TitleActivityCombiner();
  private final TreeMap<String, TitlePopularity> titles = new TreeMap<>();
  private long nextTick = Long.MIN_VALUE;

  public PopularityLoop(PopularityConfig config, Output output) {
    this.config = config;
    this.output = output;
  }

  /** Collects everything into lists. */
  public static final class Collected implements Output {
    public final List<Directive> directives = new ArrayList<>();
    public final List<PopularityRow> rows = new ArrayList<>();

    @Override
    public void directive(Directive d) {
      directives.add(d);
    }

    @Override
    public void row(PopularityRow row) {
      rows.add(row);
    }
  }

  /**
   * The loop over served segments and play requests merged in event-time order (each list in time
   * order), drained to the end: the truth a job's output is compared with.
   */
  public static Collected replay(
      PopularityConfig config, List<EdgeRequest> requests, List<ViewerEvent> plays) {
    Collected truth = new Collected();
    PopularityLoop loop = new PopularityLoop(config, truth);
    int next = 0;
    for (EdgeRequest r : requests) {
      while (next < plays.size() && plays.get(next).eventTimeMillis() <= r.requestTimeMillis()) {
        loop.play(plays.get(next));
        next++;
      }
      loop.segmentRequest(
          r.region(),
          r.assetId(),
          r.rendition(),
          r.segmentSequence(),
          r.bytes(),
          r.requestTimeMillis());
    }
    for (; next < plays.size(); next++) {
      loop.play(plays.get(next));
    }
    loop.drain();
    return truth;
  }

  private void play(ViewerEvent e) {
    play(e.region(), e.assetId(), e.eventTimeMillis());
  }

  public void segmentRequest(
      String region, String assetId, String rendition, int segment, long bytes, long timeMillis) {
    advanceTo(timeMillis);
    served.add(region, assetId, rendition, segment, bytes, config.tickFor(timeMillis));
  }

  public void play(String region, String assetId, long timeMillis) {
    advanceTo(timeMillis);
    title(region, assetId).recordPlay(timeMillis, config.tickFor(timeMillis));
  }

  /** End of input: tick on until nothing is left, as the job does under the final watermark. */
  public void drain() {
    while (!titles.isEmpty() || served.size() > 0) {
      tick(nextTick);
      nextTick += config.tickMillis();
    }
  }

  private TitlePopularity title(String region, String assetId) {
    return titles.computeIfAbsent(
        PopularityKeys.title(region, assetId), k -> new TitlePopularity(region, assetId));
  }

  private void advanceTo(long t) {
    if (nextTick == Long.MIN_VALUE) {
      nextTick = config.tickFor(t);
    }
    while (t >= nextTick) {
      tick(nextTick);
      nextTick += config.tickMillis();
    }
  }

  private void tick(long t) {
    served.flushThrough(t, a -> title(a.region, a.assetId).recordActivity(a));
    Iterator<TitlePopularity> it = titles.values().iterator();
    while (it.hasNext()) {
      TitlePopularity title = it.next();
      if (!title.due(t)) {
        continue;
      }
      TitlePopularity.Outcome outcome = title.tick(t, config);
      outcome.directives().forEach(output::directive);
      output.row(outcome.row());
      if (!outcome.keep()) {
        it.remove();
      }
    }
  }
}
