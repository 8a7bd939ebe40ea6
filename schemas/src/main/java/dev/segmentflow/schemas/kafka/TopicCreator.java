package dev.segmentflow.schemas.kafka;

import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.Topics.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

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
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      }
      return missing.stream().map(NewTopic::name).toList();
    }
  }

  public static List<String> ensureAll(String bootstrapServers)
      throws ExecutionException, InterruptedException, TimeoutException {
    return ensure(bootstrapServers, Topics.CATALOGUE, (short) 1);
  }
}
