package dev.segmentflow.cache.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.cache.policy.TraceRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VideoWorkloadTest {
  static VideoWorkload workload;
  static List<TraceRequest> trace;

  @BeforeAll
  static void generate() {
    workload = new VideoWorkload(VideoWorkload.Spec.standard(7).sized(800, 800));
    trace = workload.generate();
  }

  @Test
  void sameSeedSameTrace() {
    assertThat(new VideoWorkload(workload.spec()).generate()).isEqualTo(trace);
  }

  @Test
  void orderedByTimeAndSessionsWatchInOrderAtRealTimePace() {
    Map<String, List<TraceRequest>> sessions = new HashMap<>();
    for (int i = 0; i < trace.size(); i++) {
      if (i > 0) {
        assertThat(trace.get(i).timeMillis()).isGreaterThanOrEqualTo(trace.get(i - 1).timeMillis());
      }
      sessions.computeIfAbsent(trace.get(i).sessionId(), s -> new ArrayList<>()).add(trace.get(i));
    }
    for (List<TraceRequest> s : sessions.values()) {
      for (int i = 1; i < s.size(); i++) {
        assertThat(s.get(i).segment()).isEqualTo(s.get(i - 1).segment() + 1);
        assertThat(s.get(i).assetId()).isEqualTo(s.get(0).assetId());
        assertThat(s.get(i).timeMillis() - s.get(i - 1).timeMillis()).isBetween(1000L, 6000L);
      }
    }
  }

  @Test
  void viewersAbandonEarlyMoreThanLate() {
    // Of sessions that started at segment 0: more stop within the first 10% of a title than
    // within any later tenth.
    Map<String, int[]> firstLast = new HashMap<>();
    for (TraceRequest r : trace) {
      firstLast.computeIfAbsent(r.sessionId(), s -> new int[] {r.segment(), r.segment()})[1] =
          r.segment();
    }
    int early = 0;
    int middle = 0;
    for (int[] fl : firstLast.values()) {
      if (fl[0] == 0 && fl[1] < 60) {
        early++;
      } else if (fl[0] == 0 && fl[1] >= 120 && fl[1] < 180) {
        middle++;
      }
    }
    assertThat(early).isGreaterThan(2 * middle);
  }

  @Test
  void popularityIsSkewedAndRegionsDiffer() {
    Map<String, Map<String, Integer>> startsByRegion = new HashMap<>();
    for (TraceRequest r : trace) {
      if (r.segment() == 0) {
        startsByRegion
            .computeIfAbsent(r.region(), x -> new HashMap<>())
            .merge(r.assetId(), 1, Integer::sum);
      }
    }
    assertThat(startsByRegion.keySet()).containsExactlyInAnyOrder("eu", "us", "apac");
    Set<String> tops = new HashSet<>();
    for (Map<String, Integer> starts : startsByRegion.values()) {
      List<Integer> counts = new ArrayList<>(starts.values());
      counts.sort((a, b) -> b - a);
      int total = counts.stream().mapToInt(Integer::intValue).sum();
      int top10 = counts.subList(0, 10).stream().mapToInt(Integer::intValue).sum();
      assertThat((double) top10 / total).isGreaterThan(0.15); // 10 of 800 titles
      List<String> byCount = new ArrayList<>(starts.keySet());
      byCount.sort((a, b) -> starts.get(b) - starts.get(a));
      tops.addAll(byCount.subList(0, 10));
    }
    assertThat(tops.size()).isGreaterThan(10); // not the same top ten everywhere
  }

  @Test
  void sessionsSwitchRenditionsAndSizesFollowBitrate() {
    Set<String> renditionsOfOneSession = new HashSet<>();
    Map<String, Set<String>> bySession = new HashMap<>();
    for (TraceRequest r : trace) {
      bySession.computeIfAbsent(r.sessionId(), s -> new HashSet<>()).add(r.rendition());
      renditionsOfOneSession.add(r.rendition());
      assertThat(workload.sizeBytes(r.assetId(), r.rendition(), r.segment()))
          .isEqualTo(r.sizeBytes());
    }
    assertThat(renditionsOfOneSession).containsExactlyInAnyOrder("240p", "480p", "720p", "1080p");
    long switching = bySession.values().stream().filter(s -> s.size() > 1).count();
    assertThat(switching).isGreaterThan(bySession.size() / 4);
    assertThat(workload.sizeBytes("title-0000", "1080p", 0))
        .isGreaterThan(10 * workload.sizeBytes("title-0000", "240p", 0));
    assertThat(workload.sizeBytes("title-0000", "720p", 100_000)).isEqualTo(-1);
  }

  @Test
  void startsPerHourIsTheRateTheSessionsWereDrawnFrom() {
    VideoWorkload.Spec spec = workload.spec();
    Map<String, Set<String>> sessionsByRegion = new HashMap<>();
    Map<String, Set<String>> sessionsByTitle = new HashMap<>();
    for (TraceRequest r : trace) {
      sessionsByRegion.computeIfAbsent(r.region(), k -> new HashSet<>()).add(r.sessionId());
      if (r.region().equals("eu")) {
        sessionsByTitle.computeIfAbsent(r.assetId(), k -> new HashSet<>()).add(r.sessionId());
      }
    }
    long minute = 60_000;
    for (int r = 0; r < spec.regions().size(); r++) {
      String region = spec.regions().get(r);
      double[] expected = new double[spec.titles()];
      for (long t = 0; t < spec.days() * 24 * 60 * minute; t += minute) {
        double[] rates = workload.startsPerHour(region, t);
        for (int i = 0; i < rates.length; i++) {
          expected[i] += rates[i] / 60;
        }
      }
      double all = java.util.Arrays.stream(expected).sum();
      double drawn = spec.days() * spec.sessionsPerDay() * spec.regionWeights().get(r);
      assertThat(all).isCloseTo(drawn, org.assertj.core.data.Percentage.withPercentage(0.5));
      assertThat((double) sessionsByRegion.get(region).size())
          .isCloseTo(drawn, org.assertj.core.data.Percentage.withPercentage(10));
      if (region.equals("eu")) {
        // the diurnal curve: eu's evening (16:00-24:00, its clock is the trace's) against its
        // night and morning (02:00-10:00), 2.6 : 1
        Map<String, Long> firstAt = new HashMap<>();
        for (TraceRequest q : trace) {
          if (q.region().equals(region)) {
            firstAt.putIfAbsent(q.sessionId(), q.timeMillis());
          }
        }
        for (int from : new int[] {16, 2}) {
          double inWindow = 0;
          for (long t = 0; t < spec.days() * 24 * 60 * minute; t += minute) {
            long hour = t / (60 * minute) % 24;
            if (hour >= from && hour < from + 8) {
              inWindow += java.util.Arrays.stream(workload.startsPerHour(region, t)).sum() / 60;
            }
          }
          long seen =
              firstAt.values().stream()
                  .filter(t -> t / (60 * minute) % 24 >= from && t / (60 * minute) % 24 < from + 8)
                  .count();
          assertThat((double) seen)
              .as("eu sessions from %02d:00", from)
              .isCloseTo(inWindow, org.assertj.core.data.Percentage.withPercentage(25));
        }
        int most = 0;
        for (int i = 1; i < expected.length; i++) {
          most = expected[i] > expected[most] ? i : most;
        }
        int mostSeen = sessionsByTitle.get(workload.assetId(most)).size();
        long seenMore = sessionsByTitle.values().stream().filter(s -> s.size() > mostSeen).count();
        assertThat(seenMore).as("titles started more often than the likeliest").isLessThan(3);
        assertThat((double) mostSeen)
            .isCloseTo(expected[most], org.assertj.core.data.Percentage.withPercentage(35));
      }
    }
  }

  @Test
  void trueArrivalRatesReadTheWorkloadsRates() {
    TrueArrivalRates rates = new TrueArrivalRates(workload, "us");
    long t = 30 * 3_600_000L + 12_345;
    double[] all = workload.startsPerHour("us", t - 12_345);
    assertThat(rates.perHour(workload.assetId(3), t)).isEqualTo(all[3]);
    assertThat(rates.perHour("not-a-title", t)).isZero();
    assertThat(rates.perHour("title-99999", t)).isZero();
  }
}
