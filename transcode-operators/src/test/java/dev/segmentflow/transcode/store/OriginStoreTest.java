package dev.segmentflow.transcode.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segmentflow.localservices.S3Server;
import dev.segmentflow.testkit.RealServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The same store code against a local folder and against a real S3 API server (s3proxy). */
@ExtendWith(RealServices.class)
class OriginStoreTest {
  @TempDir Path dir;

  @Test
  void localFolder() throws Exception {
    exercise(OriginStore.Config.local(dir.resolve("origin")));
    try (var s = Files.list(dir.resolve("origin/a1/720p"))) {
      // published by rename: no temporary or checksum files left beside the objects
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("000000.ts", "index.m3u8");
    }
  }

  @Test
  void s3ThroughS3a(S3Server s3) throws Exception {
    exercise(
        OriginStore.Config.s3(
            "s3a://" + s3.bucket() + "/store-test",
            s3.endpoint(),
            S3Server.ACCESS_KEY,
            S3Server.SECRET_KEY));
  }

  private void exercise(OriginStore.Config config) throws Exception {
    Path file = dir.resolve("seg.ts");
    byte[] payload = new byte[300_000];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i * 31);
    }
    Files.write(file, payload);
    try (OriginStore store = OriginStore.open(config)) {
      store.put("a1/720p/000000.ts", file);
      store.put("a1/720p/index.m3u8", "#EXTM3U\nv1\n".getBytes(StandardCharsets.UTF_8));
      // a replay overwrites the same key
      store.put("a1/720p/index.m3u8", "#EXTM3U\nv2\n".getBytes(StandardCharsets.UTF_8));
      assertThat(store.read("a1/720p/000000.ts")).isEqualTo(payload);
      assertThat(new String(store.read("a1/720p/index.m3u8"), StandardCharsets.UTF_8))
          .isEqualTo("#EXTM3U\nv2\n");
      assertThat(store.size("a1/720p/000000.ts")).isEqualTo(payload.length);
      assertThat(store.list("a1")).containsExactly("a1/720p/000000.ts", "a1/720p/index.m3u8");
      assertThat(store.exists("a1/480p/index.m3u8")).isFalse();
      assertThat(store.keyOf(store.uri("a1/720p/000000.ts"))).isEqualTo("a1/720p/000000.ts");
      Path back = dir.resolve("back.ts");
      store.download("a1/720p/000000.ts", back);
      assertThat(Files.readAllBytes(back)).isEqualTo(payload);
    }
  }
}
