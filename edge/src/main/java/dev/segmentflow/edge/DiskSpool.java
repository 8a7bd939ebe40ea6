package dev.segmentflow.edge;

import dev.segmentflow.schemas.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The append-only files where the edge keeps what Kafka has not acknowledged: one JSON line per
 * record, files named by creation time so that draining them oldest first keeps the order. Files
 * left by an earlier process are drained like new ones.
 */
final class DiskSpool {
  /** One record on its way to Kafka. */
  record Outgoing(String topic, String key, byte[] value) {}

  private record Line(String t, String k, String v) {}

  private final Path dir;
  private final EdgeMetrics metrics;
  private final Object lock = new Object();
  private final AtomicLong seq = new AtomicLong();
  private Path open;
  // Files on disk, kept in step under the lock so that the sender need not list the folder for
  // every batch.
  private int files;

  DiskSpool(Path dir, EdgeMetrics metrics) {
    this.dir = dir;
    this.metrics = metrics;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    files = list().size();
  }

  void append(List<Outgoing> recs) {
    synchronized (lock) {
      try {
        if (open == null) {
          open =
              dir.resolve(
                  String.format(
                      "spool-%015d-%06d.jsonl", System.currentTimeMillis(), seq.incrementAndGet()));
          files++;
        }
        try (BufferedWriter w =
            Files.newBufferedWriter(
                open,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
          writeLines(w, recs);
        }
        metrics.inc("edge_events_spooled_total", recs.size());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot spool " + recs.size() + " records", e);
      }
    }
  }

  int files() {
    synchronized (lock) {
      return files;
    }
  }

  /** Records in the spool files. */
  long records() {
    long n = 0;
    synchronized (lock) {
      for (Path f : list()) {
        try (Stream<String> lines = Files.lines(f)) {
          n += lines.count();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return n;
  }

  /**
   * Sends the spool, oldest file first, in batches through {@code send}, which returns what it
   * could not deliver. False when a batch failed: its unsent part stays in its file, in order.
   */
  boolean drain(int batch, Function<List<Outgoing>, List<Outgoing>> send) {
    List<Path> toSend;
    synchronized (lock) {
      if (files == 0) {
        return true;
      }
      toSend = list();
      open = null; // new records start a new file while these are sent
    }
    for (Path f : toSend) {
      List<Outgoing> recs;
      try {
        recs = read(f);
      } catch (IOException e) {
        // a torn last line after a crash: keep the file for a person, stop draining it
        metrics.inc("edge_events_spool_unreadable_total");
        try {
          Files.move(f, f.resolveSibling(f.getFileName() + ".unreadable"));
          gone();
        } catch (IOException ignored) {
          // left in place; it will be retried
        }
        continue;
      }
      for (int i = 0; i < recs.size(); i += batch) {
        if (!send.apply(recs.subList(i, Math.min(recs.size(), i + batch))).isEmpty()) {
          rewrite(f, recs.subList(i, recs.size()));
          return false;
        }
      }
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      gone();
      metrics.inc("edge_events_unspooled_total", recs.size());
    }
    return true;
  }

  private static List<Outgoing> read(Path f) throws IOException {
    List<Outgoing> recs = new ArrayList<>();
    try (Stream<String> lines = Files.lines(f)) {
      for (String l : (Iterable<String>) lines::iterator) {
        if (!l.isBlank()) {
          Line s = Json.MAPPER.readValue(l, Line.class);
          recs.add(new Outgoing(s.t(), s.k(), Base64.getDecoder().decode(s.v())));
        }
      }
    }
    return recs;
  }

  private void rewrite(Path f, List<Outgoing> rest) {
    synchronized (lock) {
      try {
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
          writeLines(w, rest);
        }
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void writeLines(BufferedWriter w, List<Outgoing> recs) throws IOException {
    for (Outgoing r : recs) {
      String value = Base64.getEncoder().encodeToString(r.value());
      w.write(Json.string(new Line(r.topic(), r.key(), value)));
      w.write('\n');
    }
  }

  private List<Path> list() {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("spool-\\d+-\\d+\\.jsonl"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void gone() {
    synchronized (lock) {
      files--;
    }
  }
}
