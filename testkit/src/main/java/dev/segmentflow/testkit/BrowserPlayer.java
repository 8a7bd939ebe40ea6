package dev.segmentflow.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * hls.js in Debian's headless Chromium, driven by playwright-core: the node scripts in {@code
 * testkit/player}, whose npm packages {@code bin/setup} installs. Without them a test that plays
 * fails rather than skipping.
 */
public final class BrowserPlayer {
  private BrowserPlayer() {}

  /** The player's folder, found from whichever module's folder the test runs in. */
  public static Path directory() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path player = p.resolve("testkit").resolve("player");
      if (Files.isRegularFile(player.resolve("package.json"))) {
        if (!Files.isDirectory(player.resolve("node_modules").resolve("hls.js"))) {
          throw new IllegalStateException(
              "no npm packages in " + player + " (bin/setup installs them)");
        }
        return player;
      }
    }
    throw new IllegalStateException("no testkit/player above " + Path.of("").toAbsolutePath());
  }

  /**
   * Runs one of the player's scripts and returns its stdout lines; its stderr goes to the test's.
   * Fails on a non-zero exit or on running past {@code timeout}.
   */
  public static List<String> run(String script, List<String> args, Duration timeout)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(args);
    Process p =
        new ProcessBuilder(command)
            .directory(directory().toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    CompletableFuture<byte[]> out =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return p.getInputStream().readAllBytes();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(script + " ran past " + timeout);
    }
    String text = new String(out.join(), StandardCharsets.UTF_8).strip();
    if (p.exitValue() != 0) {
      throw new IllegalStateException(script + " exited " + p.exitValue() + ", output: " + text);
    }
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }
}
