package dev.segmentflow.edge;

import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.events.Directive;
import dev.segmentflow.schemas.validation.DeadLetters;
import dev.segmentflow.schemas.validation.EventValidator;
import dev.segmentflow.schemas.validation.Validation;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads cdn.directives (committed transactions only) in a consumer group of its own per edge, since
 * every edge must see every directive. A record that is not a valid directive goes to events.dlq.
 */
public final class DirectiveListener implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final DirectiveApplier applier;
  private final EventSink sink;
  private final EdgeMetrics metrics;
  private final String topic;
  private final EventValidator<Directive> validator;
  private final Thread thread;
  private volatile boolean running = true;

  public DirectiveListener(
      String bootstrapServers,
      String topic,
      String groupId,
      boolean fromEarliest,
      DirectiveApplier applier,
      EventSink sink,
      EdgeMetrics metrics) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromEarliest ? "earliest" : "latest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    this.applier = applier;
    this.sink = sink;
    this.metrics = metrics;
    this.topic = topic;
    // Directives can be hours old when an edge catches up; validity is judged by validUntil.
    this.validator =
        new EventValidator<>(
            Directive.class,
            java.time.Clock.systemUTC(),
            Duration.ofDays(3650),
            EventValidator.DEFAULT_MAX_BYTES);
    this.thread = new Thread(this::run, "edge-directives");
    thread.setDaemon(true);
  }

  public DirectiveListener start() {
    thread.start();
    return this;
  }

  private void run() {
    try {
      consumer.subscribe(List.of(topic));
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          handle(r);
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  void handle(ConsumerRecord<String, byte[]> r) {
    Validation<Directive> v = validator.validate(r.value());
    if (v instanceof Validation.Valid<Directive> ok) {
      try {
        applier.apply(ok.value());
      } catch (RuntimeException e) {
        metrics.inc("edge_directive_errors_total");
      }
    } else if (v instanceof Validation.Invalid<Directive> bad) {
      metrics.inc("edge_directives_invalid_total");
      sink.send(
          Topics.EVENTS_DLQ,
          r.topic(),
          DeadLetters.of(
              r.topic(),
              r.partition(),
              r.offset(),
              r.value(),
              bad.violations().get(0),
              System.currentTimeMillis()));
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
