package dev.segmentflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.localservices.S3Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServices.class)
class RealServicesTest {

  @Test
  void kafkaBrokerCommitsATransaction(KafkaBroker kafka) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic("testkit.tx", 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("transactional.id", "testkit-tx");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("testkit.tx", "k", "committed"));
      producer.commitTransaction();
    }
    Properties c = new Properties();
    c.put("bootstrap.servers", kafka.bootstrapServers());
    c.put("group.id", "testkit");
    c.put("auto.offset.reset", "earliest");
    c.put("isolation.level", "read_committed");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("testkit.tx"));
      ConsumerRecords<String, String> records = ConsumerRecords.empty();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.isEmpty() && System.nanoTime() < deadline) {
        records = consumer.poll(Duration.ofMillis(500));
      }
      assertThat(records.count()).isEqualTo(1);
      assertThat(records.iterator().next().value()).isEqualTo("committed");
    }
  }

  @Test
  void clickHouseAnswersSql(ClickHouseServer clickHouse) {
    assertThat(clickHouse.query("SELECT version()").trim()).startsWith("18.");
    clickHouse.query("CREATE TABLE IF NOT EXISTS testkit_probe (x UInt32) ENGINE = Memory");
    clickHouse.query("INSERT INTO testkit_probe VALUES (1), (2), (3)");
    assertThat(clickHouse.query("SELECT sum(x) FROM testkit_probe").trim()).isEqualTo("6");
  }

  @Test
  void s3ServerHasTheBucketAndNoOther(S3Server s3) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> bucket =
        http.send(
            HttpRequest.newBuilder(URI.create(s3.endpoint() + "/" + s3.bucket())).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(bucket.statusCode()).isEqualTo(200);
    assertThat(bucket.body()).contains("<ListBucketResult").contains(s3.bucket());
    HttpResponse<String> missing =
        http.send(
            HttpRequest.newBuilder(URI.create(s3.endpoint() + "/no-such-bucket")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("NoSuchBucket");
  }

  @Test
  void miniClusterRunsAJob(FlinkMiniCluster flink) throws Exception {
    var env = flink.environment(2);
    List<Long> out = env.fromSequence(1, 100).map(x -> x * 2).executeAndCollect(1000);
    assertThat(out.stream().mapToLong(Long::longValue).sum()).isEqualTo(10100);
  }
}
