package dev.segmentflow.cli;

import dev.segmentflow.transcode.store.OriginStore;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the origin store is, for the commands that read or write it. */
final class OriginOptions {
  @Option(names = "--origin", description = "origin store URI; default: file://<--dir>/origin")
  String origin;

  @Option(names = "--s3-endpoint", description = "S3 API endpoint for an s3a:// origin")
  String s3Endpoint;

  @Option(names = "--s3-access-key", description = "S3 access key")
  String s3AccessKey;

  @Option(names = "--s3-secret-key", description = "S3 secret key")
  String s3SecretKey;

  OriginStore.Config config(Path dir) {
    if (origin == null) {
      return OriginStore.Config.local(dir.resolve("origin"));
    }
    if (origin.startsWith("s3a://")) {
      if (s3Endpoint == null || s3AccessKey == null || s3SecretKey == null) {
        throw new IllegalArgumentException(
            "an s3a:// origin needs --s3-endpoint, --s3-access-key and --s3-secret-key");
      }
      return OriginStore.Config.s3(origin, s3Endpoint, s3AccessKey, s3SecretKey);
    }
    return new OriginStore.Config(origin, Map.of());
  }
}
