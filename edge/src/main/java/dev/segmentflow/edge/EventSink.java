package dev.segmentflow.edge;

import dev.segmentflow.edge.DiskSpool.Outgoing;
import dev.segmentflow.schemas.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Everything the edge reports (access log, viewer events, dead letters) goes through here. Serving
 * threads only enqueue the event objects (immutable records); one sender thread turns them into
 * JSON and writes them to Kafka. While Kafka is unreachable, records go to an append-only spool on
 * disk, which is sent, oldest first, once Kafka answers again, and also after a restart. A record
 * may then arrive twice (sent, unacknowledged, spooled, sent again); every record has a
 * deterministic id, so consumers keep one. None is lost.
 */
public final class EventSink implements AutoCloseable {
  private static final int BATCH = 500;

  private final DiskSpool spool;
  private final EdgeMetrics metrics;
  private final KafkaProducer<String, byte[]> producer;
  private final BlockingQueue<Queued> queue = new ArrayBlockingQueue<>(100_000);
  private final Thread sender;
  private final Duration ack;
  private volatile boolean running = true;
  private volatile long downUntilMillis;

  public EventSink(String bootstrapServers, Path spoolDir, EdgeMetrics metrics) {
    this(bootstrapServers, spoolDir, metrics, Duration.ofSeconds(5));
  }

  /**
   * @param ack how long a batch may wait for Kafka before it is spooled
   */
  public EventSink(String bootstrapServers, Path spoolDir, EdgeMetrics metrics, Duration ack) {
    this.metrics = metrics;
    this.ack = ack;
    this.spool = new DiskSpool(spoolDir, metrics); // what an earlier run left is sent first
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
    metrics.gauge("edge_events_queued", () -> queue.size());
    metrics.gauge("edge_events_spool_files", spool::files);
    sender = new Thread(this::run, "edge-event-sink");
    sender.setDaemon(true);
    sender.start();
  }

  /** A record waiting for the sender: an event still to serialise, or bytes already made. */
  private record Queued(String topic, String key, Object event, byte[] value) {
    Outgoing outgoing() {
      return new Outgoing(topic, key, value != null ? value : Json.bytes(event));
    }
  }

  /** Never blocks serving: when even the queue is full, the record goes straight to the spool. */
  public void send(String topic, String key, Object event) {
    enqueue(new Queued(topic, key, event, null));
  }

  public void sendRaw(String topic, String key, byte[] value) {
    enqueue(new Queued(topic, key, null, value));
  }

  private void enqueue(Queued r) {
    metrics.inc("edge_events_total{topic=\"" + r.topic() + "\"}");
    if (!queue.offer(r)) {
      spool.append(List.of(r.outgoing()));
    }
  }

  /** Records not yet acknowledged by Kafka: queued or spooled. */
  public long pending() {
    return queue.size() + spool.records();
  }

  private void run() {
    List<Queued> taken = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        if (System.currentTimeMillis() >= downUntilMillis && !spool.drain(BATCH, this::send)) {
          markDown();
        }
        Queued first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        taken.clear();
        taken.add(first);
        queue.drainTo(taken, BATCH - 1);
        List<Outgoing> batch = outgoing(taken);
        if (System.currentTimeMillis() < downUntilMillis || spool.files() > 0) {
          spool.append(batch); // keep order: what is spooled goes first
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

  /** Serialises a batch; an event that cannot be written as JSON is counted, not the batch lost. */
  private List<Outgoing> outgoing(List<Queued> taken) {
    List<Outgoing> out = new ArrayList<>(taken.size());
    for (Queued q : taken) {
      try {
        out.add(q.outgoing());
      } catch (RuntimeException e) {
        metrics.inc("edge_events_unserialisable_total");
      }
    }
    return out;
  }

  private void markDown() {
    downUntilMillis = System.currentTimeMillis() + 1000;
  }

  /** Sends the batch; whatever Kafka did not acknowledge is spooled. */
  private boolean deliver(List<Outgoing> batch) {
    List<Outgoing> failed = send(batch);
    if (!failed.isEmpty()) {
      spool.append(failed);
      return false;
    }
    return true;
  }

  /** Sends the records and waits for Kafka; returns those it did not acknowledge in time. */
  private List<Outgoing> send(List<Outgoing> recs) {
    List<Future<RecordMetadata>> acks = new ArrayList<>(recs.size());
    for (Outgoing r : recs) {
      try {
        acks.add(producer.send(new ProducerRecord<>(r.topic(), r.key(), r.value())));
      } catch (RuntimeException e) {
        acks.add(null);
      }
    }
    List<Outgoing> failed = new ArrayList<>();
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

  /** Sends what is queued (spooling what Kafka does not take within the timeout), then stops. */
  @Override
  public void close() {
    running = false;
    try {
      sender.join(ack.toMillis() * 3 + 5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Queued> left = new ArrayList<>();
    queue.drainTo(left);
    if (!left.isEmpty()) {
      spool.append(outgoing(left));
    }
    producer.close(Duration.ofSeconds(2));
  }
}
