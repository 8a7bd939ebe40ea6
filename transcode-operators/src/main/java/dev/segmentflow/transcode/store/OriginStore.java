package dev.segmentflow.transcode.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The origin store: where sources, renditions and playlists live, through the Hadoop FileSystem API
 * so that the same code writes to a local folder (file://) or to S3 (s3a://). Objects are named by
 * keys below a base URI, and every key is a pure function of what it holds (asset, rendition,
 * sequence), so a replay overwrites instead of adding.
 *
 * <p>Writers publish whole objects: on a local folder through a temporary file and an atomic
 * rename, on S3 by the upload at close; a reader never sees half a playlist.
 */
public final class OriginStore implements AutoCloseable {
  /** Where the store is and how to reach it; small and serializable for Flink operators. */
  public record Config(String baseUri, Map<String, String> hadoop) implements Serializable {
    public Config {
      baseUri = baseUri.endsWith("/") ? baseUri.substring(0, baseUri.length() - 1) : baseUri;
      hadoop = new TreeMap<>(hadoop);
    }

    public static Config local(Path dir) {
      return new Config(dir.toAbsolutePath().toUri().toString(), Map.of());
    }

    /** An S3 API server at an endpoint of our choosing (s3proxy, MinIO), with static keys. */
    public static Config s3(String bucketUri, String endpoint, String accessKey, String secretKey) {
      return new Config(
          bucketUri,
          Map.of(
              "fs.s3a.endpoint",
              endpoint,
              "fs.s3a.endpoint.region",
              "us-east-1",
              "fs.s3a.path.style.access",
              "true",
              "fs.s3a.connection.ssl.enabled",
              String.valueOf(endpoint.startsWith("https")),
              "fs.s3a.access.key",
              accessKey,
              "fs.s3a.secret.key",
              secretKey,
              "fs.s3a.aws.credentials.provider",
              "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider"));
    }
  }

  private final Config config;
  private final FileSystem fs;
  // The folder of a file:// store, else null. Writes there bypass Hadoop: its local filesystem
  // runs a chmod process for every file it creates (without Hadoop's native library), which was
  // an eighth of the transcode job's own CPU in bench/transcode's profile.
  private final Path localBase;

  private OriginStore(Config config, FileSystem fs) {
    this.config = config;
    this.fs = fs;
    this.localBase =
        "file".equals(fs.getUri().getScheme())
            ? Path.of(URI.create(config.baseUri() + "/")).toAbsolutePath()
            : null;
  }

  public static OriginStore open(Config config) {
    Configuration conf = new Configuration();
    // The raw local filesystem: no .crc side files next to every segment.
    conf.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
    conf.set("fs.s3a.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
    conf.setBoolean("fs.file.impl.disable.cache", true);
    conf.setBoolean("fs.s3a.impl.disable.cache", true);
    // Segments and playlists are small: buffer uploads in memory, not in hadoop.tmp.dir.
    conf.set("fs.s3a.fast.upload.buffer", "bytebuffer");
    config.hadoop().forEach(conf::set);
    try {
      return new OriginStore(config, FileSystem.get(URI.create(config.baseUri() + "/"), conf));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the origin store at " + config.baseUri(), e);
    }
  }

  public Config config() {
    return config;
  }

  /** The full URI of a key, as events carry it. */
  public String uri(String key) {
    return config.baseUri() + "/" + key;
  }

  /** The key of a URI under this store's base, or an error if it lies elsewhere. */
  public String keyOf(String uri) {
    String prefix = config.baseUri() + "/";
    if (!uri.startsWith(prefix)) {
      throw new IllegalArgumentException(uri + " is not in the origin store " + config.baseUri());
    }
    return uri.substring(prefix.length());
  }

  public void put(String key, byte[] bytes) throws IOException {
    write(key, out -> out.write(bytes));
  }

  public void put(String key, Path file) throws IOException {
    write(key, out -> Files.copy(file, out));
  }

  public byte[] read(String key) throws IOException {
    try (InputStream in = fs.open(path(key))) {
      return in.readAllBytes();
    }
  }

  public InputStream open(String key) throws IOException {
    return fs.open(path(key));
  }

  public void download(String key, Path to) throws IOException {
    try (InputStream in = fs.open(path(key))) {
      Files.copy(in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  public boolean exists(String key) throws IOException {
    return fs.exists(path(key));
  }

  public long size(String key) throws IOException {
    return fs.getFileStatus(path(key)).getLen();
  }

  /** Keys below a prefix, recursively, sorted. */
  public List<String> list(String prefix) throws IOException {
    List<String> keys = new ArrayList<>();
    org.apache.hadoop.fs.Path root = path(prefix);
    if (!fs.exists(root)) {
      return keys;
    }
    String base = fs.makeQualified(path("")).toString();
    base = base.endsWith("/") ? base : base + "/";
    RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      FileStatus s = it.next();
      String full = s.getPath().toString();
      if (full.startsWith(base) && !s.getPath().getName().startsWith(".")) {
        keys.add(full.substring(base.length()));
      }
    }
    keys.sort(String::compareTo);
    return keys;
  }

  private org.apache.hadoop.fs.Path path(String key) {
    return new org.apache.hadoop.fs.Path(config.baseUri() + "/" + key);
  }

  private interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private void write(String key, Body body) throws IOException {
    if (localBase == null) {
      try (FSDataOutputStream out = fs.create(path(key), true)) {
        body.writeTo(out);
      }
      return;
    }
    Path target = localBase.resolve(key);
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      body.writeTo(out);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    try {
      // rename(2) replaces the target atomically on a local filesystem.
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw new IOException("could not publish " + key, e);
    }
  }

  @Override
  public void close() throws IOException {
    fs.close();
  }
}
