package dev.segmentflow.localservices;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * s3proxy, a real S3 API server, in its own JVM from its self-contained jar (so that its Jetty and
 * jclouds never meet ours), storing blobs in a folder, with one bucket created.
 */
public final class S3Server implements Service {
  /** The bucket that the demo, {@code infra up} and the tests keep renditions in. */
  public static final String DEFAULT_BUCKET = "segmentflow";

  public static final String ACCESS_KEY = "segmentflow";
  public static final String SECRET_KEY = "segmentflow-secret";

  private final Path dir;
  private final int port;
  private final String bucket;
  private ChildProcess process;

  private S3Server(Path dir, int port, String bucket) {
    this.dir = dir.toAbsolutePath();
    this.port = port;
    this.bucket = bucket;
  }

  public static S3Server start(Path dir, String bucket) {
    return start(dir, Ports.free(), bucket);
  }

  public static S3Server start(Path dir, int port, String bucket) {
    S3Server server = new S3Server(dir, port, bucket);
    server.launch();
    return server;
  }

  /** The s3proxy jar the local-services build put in the local Maven repository. */
  public static Path jar() {
    Properties p = new Properties();
    try (InputStream in =
        S3Server.class.getResourceAsStream("/segmentflow-local-services.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = p.getProperty("s3proxy.version");
    String repo =
        System.getProperty(
            "maven.repo.local",
            Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
    Path jar =
        Path.of(
            repo,
            "org",
            "gaul",
            "s3proxy",
            version,
            "s3proxy-" + version + "-jar-with-dependencies.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          "s3proxy jar missing at " + jar + "; build local-services (mvn install) first");
    }
    return jar;
  }

  private void launch() {
    Path blobs = dir.resolve("blobs");
    Path conf = dir.resolve("s3proxy.conf");
    try {
      // The filesystem provider keeps one folder per bucket: this is the bucket's creation.
      Files.createDirectories(blobs.resolve(bucket));
      Files.writeString(
          conf,
          String.join(
              "\n",
              "s3proxy.endpoint=http://127.0.0.1:" + port,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + ACCESS_KEY,
              "s3proxy.credential=" + SECRET_KEY,
              "jclouds.provider=filesystem",
              "jclouds.filesystem.basedir=" + blobs.toAbsolutePath(),
              ""),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    process =
        ChildProcess.start(
            "s3proxy",
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-jar",
                jar().toString(),
                "--properties",
                conf.toString()),
            dir,
            dir.resolve("s3proxy.log"));
    process.awaitReady(this::answers, Duration.ofSeconds(60));
  }

  private boolean answers() {
    // Any S3 answer for the bucket, even a refusal, means the API is up.
    return Ports.listening(port)
        && LocalHttp.probe(endpoint() + "/" + bucket)
            .map(r -> r.statusCode() == 200 || r.body().contains("<Error>"))
            .orElse(false);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public String bucket() {
    return bucket;
  }

  public int port() {
    return port;
  }

  @Override
  public String name() {
    return "s3";
  }

  @Override
  public ChildProcess process() {
    return process;
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }
}
