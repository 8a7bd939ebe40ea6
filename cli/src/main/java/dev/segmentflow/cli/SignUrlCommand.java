package dev.segmentflow.cli;

import dev.segmentflow.edge.UrlSigner;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code segmentflow sign-url --asset a1 --secret S [--ttl-seconds 3600] [--base URL]}. */
@Command(
    name = "sign-url",
    mixinStandardHelpOptions = true,
    description = "Print a signed, expiring master-playlist URL for an asset on the edge.")
final class SignUrlCommand implements Callable<Integer> {
  @Option(names = "--asset", required = true)
  String asset;

  @Option(names = "--secret", required = true, description = "the edge's signing-secret")
  String secret;

  @Option(names = "--ttl-seconds", description = "validity (default: ${DEFAULT-VALUE})")
  long ttlSeconds = 3600;

  @Option(names = "--client-ip", description = "bind the token to this address")
  String clientIp;

  @Option(names = "--base", description = "edge base URL (default: ${DEFAULT-VALUE})")
  String base = "http://localhost:8080";

  @Override
  public Integer call() {
    UrlSigner signer = new UrlSigner(secret.getBytes(StandardCharsets.UTF_8), clientIp != null);
    long expires = System.currentTimeMillis() / 1000 + ttlSeconds;
    String token = signer.sign("/hls/" + asset + "/", expires, clientIp);
    System.out.println(base + "/hls/" + asset + "/master.m3u8?" + UrlSigner.QUERY + "=" + token);
    return 0;
  }
}
