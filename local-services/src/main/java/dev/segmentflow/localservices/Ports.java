package dev.segmentflow.localservices;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback ports for the services: free ones to bind, and a probe for "is it listening". */
public final class Ports {
  private Ports() {}

  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /**
   * A port that is free now, taken from below the kernel's ephemeral range. A port the kernel hands
   * out for {@code bind(0)} is also where it puts the local end of outgoing connections, so a
   * server started on one a moment later could find it taken by some client's socket.
   */
  public static int free() {
    int below = ephemeralLow();
    int from = Math.max(1024, below - 12_000);
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(from, below);
      if (HANDED_OUT.contains(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      } catch (IOException e) {
        continue;
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new UncheckedIOException(
        new IOException("no free port in [" + from + ", " + below + ")"));
  }

  private static int ephemeralLow() {
    try {
      // readString sizes its buffer by the file's length, which /proc reports as 0.
      try (BufferedReader in =
          Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
        int low = Integer.parseInt(in.readLine().trim().split("\\s+")[0]);
        return low > 4096 ? low : 32768;
      }
    } catch (IOException | RuntimeException e) {
      return 32768; // Linux's default
    }
  }

  public static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
