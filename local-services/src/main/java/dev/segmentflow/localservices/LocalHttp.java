package dev.segmentflow.localservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** HTTP to our own services on loopback: readiness probes and simple calls. */
final class LocalHttp {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private LocalHttp() {}

  /** A GET that answers empty while the service is not (yet) listening. */
  static Optional<HttpResponse<String>> probe(String url) {
    try {
      return Optional.of(
          send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build()));
    } catch (UncheckedIOException e) {
      return Optional.empty();
    }
  }

  static HttpResponse<String> send(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted calling " + request.uri(), e);
    }
  }
}
