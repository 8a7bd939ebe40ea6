package dev.segmentflow.edge;

import dev.segmentflow.schemas.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Everything the edge reports (access log, viewer events, dead letters) goes through here. Serving
 * threads only enqueue; one sender thread writes to Kafka. While Kafka is unreachable, records go
 * to an append-only spool on disk, which is sent, oldest first, once Kafka answers again, and also
 * after a restart. A record may then arrive twice (sent, unacknowledged, spooled, sent again);
 * every record has a deterministic id, so consumers keep one. None is lost.
 */
public final class EventSink implements AutoCloseable {
  private record Rec(String topic, String key, byte[] value) {}

  private record SpoolLine(String t, String k, String v) {}

  private static final int BATCH = 500;

  private final Path spoolDir;
  private final EdgeMetrics metrics;
  private final KafkaProducer<String, byte[]> producer;
  private final BlockingQueue<Rec> queue = new ArrayBlockingQueue<>(100_000);
  private final Thread sender;
  private final Object spoolLock = new Object();
  private final AtomicLong spoolSeq = new AtomicLong();
  private final Duration ack;
  private volatile boolean running = true;
  private volatile long downUntilMillis;
  private Path openSpool;
  // Spool files on disk, kept in step under spoolLock so the sender need not list the folder
  // for every batch.
  private int spoolFiles;

  public EventSink(String bootstrapServers, Path spoolDir, EdgeMetrics metrics) {
    this(bootstrapServers, spoolDir, metrics, Duration.ofSeconds(5));
  }

  /**
   * @param ack how long a batch may wait for Kafka before it is spooled
   */
  public EventSink(String bootstrapServers, Path spoolDir, EdgeMetrics metrics, Duration ack) {
    this.spoolDir = spoolDir;
    this.metrics = metrics;
    this.ack = ack;
    try {
      Files.createDirectories(spoolDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(ack.toMillis()));
    p.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        String.valueOf(Math.max(1000, ack.toMillis() / 2)));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(ack.toMillis() + 1000));
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    spoolFiles = spoolList().size(); // left by an earlier run: sent first
    metrics.gauge("edge_events_queued", () -> queue.size());
    metrics.gauge("edge_events_spool_files", this::spoolFiles);
    sender = new Thread(this::run, "edge-event-sink");
    sender.setDaemon(true);
    sender.start();
  }

  /** Never blocks serving: when even the queue is full, the record goes straight to the spool. */
  public void send(String topic, String key, Object event) {
    Rec r = new Rec(topic, key, Json.bytes(event));
    metrics.inc("edge_events_total{topic=\"" + topic + "\"}");
    if (!queue.offer(r)) {
      spool(List.of(r));
    }
  }

  public void sendRaw(String topic, String key, byte[] value) {
    Rec r = new Rec(topic, key, value);
    metrics.inc("edge_events_total{topic=\"" + topic + "\"}");
    if (!queue.offer(r)) {
      spool(List.of(r));
    }
  }

  /** Records not yet acknowledged by Kafka: queued or spooled. */
  public long pending() {
    long spooled = 0;
    synchronized (spoolLock) {
      for (Path f : spoolList()) {
        try (Stream<String> lines = Files.lines(f)) {
          spooled += lines.count();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return queue.size() + spooled;
  }

  private void run() {
    List<Rec> batch = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        if (System.currentTimeMillis() >= downUntilMillis && !drainSpool()) {
          markDown();
        }
        Rec first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.clear();
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        if (System.currentTimeMillis() < downUntilMillis || spoolFiles() > 0) {
          spool(batch); // keep order: what is spooled goes first
        } else if (!deliver(batch)) {
          markDown();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        // the loop must outlive any one bad batch; what it held is already spooled
        metrics.inc("edge_events_sender_errors_total");
      }
    }
  }

  private void markDown() {
    downUntilMillis = System.currentTimeMillis() + 1000;
  }

  /** Sends the batch; whatever Kafka did not acknowledge is spooled. */
  private boolean deliver(List<Rec> batch) {
    List<Rec> failed = send(batch);
    if (!failed.isEmpty()) {
      spool(failed);
      return false;
    }
    return true;
  }

  /** Sends the records and waits for Kafka; returns those it did not acknowledge in time. */
  private List<Rec> send(List<Rec> recs) {
    List<Future<RecordMetadata>> acks = new ArrayList<>(recs.size());
    for (Rec r : recs) {
      try {
        acks.add(producer.send(new ProducerRecord<>(r.topic(), r.key(), r.value())));
      } catch (RuntimeException e) {
        acks.add(null);
      }
    }
    List<Rec> failed = new ArrayList<>();
    long deadline = System.nanoTime() + ack.toNanos() + 2_000_000_000L;
    for (int i = 0; i < recs.size(); i++) {
      Future<RecordMetadata> f = acks.get(i);
      try {
        if (f == null) {
          throw new IllegalStateException("not sent");
        }
        f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        metrics.inc("edge_events_delivered_total");
      } catch (Exception e) {
        failed.add(recs.get(i));
      }
    }
    return failed;
  }

  private void spool(List<Rec> recs) {
    synchronized (spoolLock) {
      try {
        if (openSpool == null) {
          openSpool =
              spoolDir.resolve(
                  String.format(
                      "spool-%015d-%06d.jsonl",
                      System.currentTimeMillis(), spoolSeq.incrementAndGet()));
          spoolFiles++;
        }
        try (BufferedWriter w =
            Files.newBufferedWriter(
                openSpool,
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

  /** Sends spooled files, oldest first; false when Kafka is still not answering. */
  private boolean drainSpool() {
    List<Path> files;
    synchronized (spoolLock) {
      if (spoolFiles == 0) {
        return true;
      }
      files = spoolList();
      openSpool = null; // new records start a new file while these are sent
    }
    for (Path f : files) {
      List<Rec> recs = new ArrayList<>();
      try (Stream<String> lines = Files.lines(f)) {
        for (String l : (Iterable<String>) lines::iterator) {
          if (l.isBlank()) {
            continue;
          }
          SpoolLine s = Json.MAPPER.readValue(l, SpoolLine.class);
          recs.add(new Rec(s.t(), s.k(), Base64.getDecoder().decode(s.v())));
        }
      } catch (IOException e) {
        // a torn last line after a crash: keep the file for a person, stop draining it
        metrics.inc("edge_events_spool_unreadable_total");
        try {
          Files.move(f, f.resolveSibling(f.getFileName() + ".unreadable"));
          fileGone();
        } catch (IOException ignored) {
          // left in place; it will be retried
        }
        continue;
      }
      for (int i = 0; i < recs.size(); i += BATCH) {
        List<Rec> part = recs.subList(i, Math.min(recs.size(), i + BATCH));
        if (!send(part).isEmpty()) {
          // the unsent part stays in its file, in order, for the next attempt
          rewrite(f, recs.subList(i, recs.size()));
          return false;
        }
      }
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      fileGone();
      metrics.inc("edge_events_unspooled_total", recs.size());
    }
    return true;
  }

  private void rewrite(Path f, List<Rec> rest) {
    synchronized (spoolLock) {
      try {
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
          writeLines(w, rest);
        }
        Files.move(
            tmp,
            f,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void writeLines(BufferedWriter w, List<Rec> recs) throws IOException {
    for (Rec r : recs) {
      String value = Base64.getEncoder().encodeToString(r.value());
      w.write(Json.string(new SpoolLine(r.topic(), r.key(), value)));
      w.write('\n');
    }
  }

  private List<Path> spoolList() {
    try (Stream<Path> s = Files.list(spoolDir)) {
      return s.filter(p -> p.getFileName().toString().matches("spool-\\d+-\\d+\\.jsonl"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private long spoolFiles() {
    synchronized (spoolLock) {
      return spoolFiles;
    }
  }

  private void fileGone() {
    synchronized (spoolLock) {
      spoolFiles--;
    }
  }

  /** Sends what is queued (spooling what Kafka does not take within the timeout), then stops. */
  @Override
  public void close() {
    running = false;
    try {
      sender.join(ack.toMillis() * 3 + 5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Rec> left = new ArrayList<>();
    queue.drainTo(left);
    if (!left.isEmpty()) {
      spool(left);
    }
    producer.close(Duration.ofSeconds(2));
  }
}
