package dev.segmentflow.schemas.kafka;

import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.Topics.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates the catalogue's topics that do not exist yet; safe to run again. */
public final class TopicCreator {
  private TopicCreator() {}

  /** Returns the names it created. */
  public static List<String> ensure(
      String bootstrapServers, List<TopicSpec> specs, short replication)
      throws ExecutionException, InterruptedException, TimeoutException {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (TopicSpec spec : specs) {
        if (!existing.contains(spec.name())) {
          missing.add(
              new NewTopic(spec.name(), spec.partitions(), replication).configs(spec.configs()));
        }
      }
      List<String> created = missing.stream().map(NewTopic::name).toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        awaitLeaders(admin, created, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
      }
      return created;
    }
  }

  /**
   * Waits until the broker's metadata names a leader for every partition. createTopics returns once
   * the controller has the topic, and clients that look the topic up earlier find no leader. The
   * broker may still answer a first write with NOT_LEADER_OR_FOLLOWER for a moment after this;
   * producers retry that.
   */
  private static void awaitLeaders(Admin admin, List<String> topics, long deadlineNanos)
      throws ExecutionException, InterruptedException, TimeoutException {
    while (true) {
      try {
        Map<String, TopicDescription> d =
            admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
        boolean ready =
            d.values().stream()
                .flatMap(t -> t.partitions().stream())
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        if (ready) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      if (System.nanoTime() > deadlineNanos) {
        throw new TimeoutException("no leader for every partition of " + topics + " after 30 s");
      }
      Thread.sleep(50);
    }
  }

  public static List<String> ensureAll(String bootstrapServers)
      throws ExecutionException, InterruptedException, TimeoutException {
    return ensure(bootstrapServers, Topics.CATALOGUE, (short) 1);
  }
}
