package dev.segmentflow.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.segmentflow.schemas.Topics;
import dev.segmentflow.schemas.Topics.TopicSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkDeploymentSpec;
import org.apache.flink.kubernetes.operator.api.spec.JobSpec;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.junit.jupiter.api.Test;

/**
 * The manifests under deploy/flink-k8s-operator, read into the Flink Kubernetes operator's own
 * resource classes (unknown fields fail), checked for what production needs, and checked against
 * what this build produces: the jar each deployment runs, its main class, the image the Dockerfile
 * builds, the topic catalogue.
 */
class DeploymentManifestsIT {
  static final Path DEPLOY = Path.of("..", "deploy", "flink-k8s-operator");
  static final Path BUILD = Path.of(System.getProperty("segmentflow.build.dir", "target"));
  static final ObjectMapper YAML =
      new YAMLMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  @Test
  void everyJobHasAProductionReadyDeploymentOfTheJarTheBuildProduces() throws Exception {
    String image = imageBuilt();
    Map<String, FlinkDeployment> deployments = deployments();
    assertThat(deployments.keySet())
        .containsExactlyInAnyOrder(
            "segmentflow-event-intake",
            "segmentflow-transcode",
            "segmentflow-popularity",
            "segmentflow-qoe",
            "segmentflow-recommendation");
    for (FlinkDeployment d : deployments.values()) {
      String name = d.getMetadata().getName();
      FlinkDeploymentSpec spec = d.getSpec();
      Map<String, String> conf = spec.getFlinkConfiguration();
      assertThat(spec.getImage()).as(name + " image").isEqualTo(image);
      assertThat(spec.getFlinkVersion().name())
          .as(name + " flinkVersion")
          .isEqualTo(
              "v"
                  + System.getProperty("flink.version", "1.20.4")
                      .replaceAll("^(\\d+)\\.(\\d+).*", "$1_$2"));

      // Application mode: a job spec, the jar from the image.
      JobSpec job = spec.getJob();
      assertThat(job).as(name + " job").isNotNull();
      assertThat(job.getUpgradeMode()).as(name + " upgradeMode").isEqualTo(UpgradeMode.SAVEPOINT);
      assertThat(job.getAllowNonRestoredState()).as(name + " allowNonRestoredState").isFalse();
      assertThat(job.getJarURI()).startsWith("local:///opt/flink/usrlib/");
      Path jar = BUILD.resolve(job.getJarURI().substring("local:///opt/flink/usrlib/".length()));
      assertThat(jar).as(name + ": the jar the build produces").isRegularFile();
      try (JarFile j = new JarFile(jar.toFile())) {
        assertThat(j.getManifest().getMainAttributes().getValue("Main-Class"))
            .as(name + " entry class")
            .isEqualTo(job.getEntryClass());
        assertThat(j.getEntry(job.getEntryClass().replace('.', '/') + ".class")).isNotNull();
      }
      assertThat(job.getArgs()).as(name + " args").contains("--bootstrap-servers");
      assertThat(String.join(" ", job.getArgs()))
          .as(name + ": credentials come from Secrets, not arguments")
          .doesNotContain("clickhouse-url", "password", "secret-key", "access-key");

      // State: RocksDB, incremental, exactly-once, checkpoints/savepoints/HA on S3.
      assertThat(conf)
          .as(name + " state")
          .containsEntry("state.backend.type", "rocksdb")
          .containsEntry("state.backend.incremental", "true")
          .containsEntry("execution.checkpointing.mode", "EXACTLY_ONCE")
          .containsEntry("high-availability.type", "kubernetes");
      for (String key :
          List.of(
              "state.checkpoints.dir", "state.savepoints.dir", "high-availability.storageDir")) {
        assertThat(conf.get(key)).as(name + " " + key).startsWith("s3://");
        assertThat(conf.get(key)).as(name + " " + key + " is per job").contains(name.substring(12));
      }
      assertThat(conf).as(name + " autoscaler").containsEntry("job.autoscaler.enabled", "true");
      assertThat(conf.keySet())
          .contains(
              "job.autoscaler.target.utilization",
              "job.autoscaler.metrics.window",
              "job.autoscaler.stabilization.interval");
      assertThat(spec.getJobManager().getResource().getMemory()).isNotBlank();
      assertThat(spec.getTaskManager().getResource().getMemory()).isNotBlank();
      assertThat(spec.getTaskManager().getResource().getCpu()).isPositive();

      // ClickHouse through the Secret the example defines, with a key it has.
      List<EnvVar> env = spec.getPodTemplate().getSpec().getContainers().get(0).getEnv();
      EnvVar url =
          env.stream()
              .filter(e -> e.getName().equals(JobParameters.CLICKHOUSE_URL_ENV))
              .findFirst()
              .orElseThrow();
      assertSecretHas(
          url.getValueFrom().getSecretKeyRef().getName(),
          url.getValueFrom().getSecretKeyRef().getKey());
      for (EnvVar e : env) {
        if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
          assertSecretHas(
              e.getValueFrom().getSecretKeyRef().getName(),
              e.getValueFrom().getSecretKeyRef().getKey());
        }
      }
    }
    // The RecommendationJob's model is one keyed state: scaling it out buys nothing.
    assertThat(
            deployments
                .get("segmentflow-recommendation")
                .getSpec()
                .getFlinkConfiguration()
                .get("job.autoscaler.vertex.max-parallelism"))
        .isEqualTo("1");
  }

  @Test
  void kafkaTopicsAreTheCatalogue() throws IOException {
    Map<String, JsonNode> topics = new TreeMap<>();
    for (JsonNode doc : documents(DEPLOY.resolve("kafka-topics.yaml"))) {
      assertThat(doc.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
      assertThat(doc.path("kind").asText()).isEqualTo("KafkaTopic");
      assertThat(doc.path("metadata").path("labels").path("strimzi.io/cluster").asText())
          .isNotBlank();
      topics.put(doc.path("spec").path("topicName").asText(), doc.path("spec"));
    }
    assertThat(topics.keySet())
        .isEqualTo(new TreeSet<>(Topics.CATALOGUE.stream().map(TopicSpec::name).toList()));
    for (TopicSpec t : Topics.CATALOGUE) {
      JsonNode spec = topics.get(t.name());
      assertThat(spec.path("partitions").asInt()).as(t.name()).isEqualTo(t.partitions());
      Map<String, String> config = new TreeMap<>();
      spec.path("config")
          .fields()
          .forEachRemaining(f -> config.put(f.getKey(), f.getValue().asText()));
      assertThat(config).as(t.name()).containsAllEntriesOf(t.configs());
    }
  }

  static void assertSecretHas(String name, String key) throws IOException {
    Secret secret =
        documents(DEPLOY.resolve("secrets.example.yaml")).stream()
            .map(d -> YAML.convertValue(d, Secret.class))
            .filter(s -> s.getMetadata().getName().equals(name))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no Secret " + name + " in secrets.example.yaml"));
    assertThat(secret.getStringData()).as("Secret " + name).containsKey(key);
  }

  /** The image tag build-image.sh gives what the Dockerfile builds. */
  static String imageBuilt() throws IOException {
    String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
    assertThat(dockerfile)
        .contains("FROM flink:" + System.getProperty("flink.version", "1.20.4") + "-")
        .contains("COPY jobs/target/segmentflow-*-job-0.1.0-SNAPSHOT.jar /opt/flink/usrlib/");
    Matcher m =
        Pattern.compile("IMAGE=(\\S+)").matcher(Files.readString(DEPLOY.resolve("build-image.sh")));
    assertThat(m.find()).as("IMAGE= in build-image.sh").isTrue();
    return m.group(1);
  }

  static Map<String, FlinkDeployment> deployments() throws IOException {
    Map<String, FlinkDeployment> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(DEPLOY)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (JsonNode doc : documents(f)) {
          if (doc.path("kind").asText().equals("FlinkDeployment")) {
            FlinkDeployment d = YAML.treeToValue(doc, FlinkDeployment.class);
            assertThat(d.getApiVersion()).isEqualTo("flink.apache.org/v1beta1");
            out.put(d.getMetadata().getName(), d);
          }
        }
      }
    }
    return out;
  }

  static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(file.toFile())) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && !n.isEmpty()) {
          out.add(n);
        }
      }
    }
    return out;
  }
}
