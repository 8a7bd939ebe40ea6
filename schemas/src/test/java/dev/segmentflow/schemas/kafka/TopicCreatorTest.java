package dev.segmentflow.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.testkit.RealServices;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
class TopicCreatorTest {

  @Test
  void createsTheCatalogueOnceWithItsLayout(KafkaBroker kafka) throws Exception {
    TopicCreator.ensureAll(kafka.bootstrapServers());
    assertThat(TopicCreator.ensureAll(kafka.bootstrapServers())).isEmpty();
    try (Admin admin =
        Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      List<String> names = Topics.CATALOGUE.stream().map(Topics.TopicSpec::name).toList();
      Map<String, TopicDescription> described =
          admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
      for (Topics.TopicSpec spec : Topics.CATALOGUE) {
        assertThat(described.get(spec.name()).partitions()).hasSize(spec.partitions());
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
        Config config = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
        assertThat(config.get("cleanup.policy").value()).isEqualTo(spec.cleanupPolicy());
        assertThat(config.get("retention.ms").value())
            .isEqualTo(spec.configs().get("retention.ms"));
      }
    }
  }
}
