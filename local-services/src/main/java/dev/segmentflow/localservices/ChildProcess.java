package dev.segmentflow.localservices;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A service process whose output goes to a log file, that we can wait for, tail, and stop. */
public final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  public static ChildProcess start(String name, List<String> command, Path workDir, Path log) {
    return start(name, command, workDir, log, Map.of());
  }

  public static ChildProcess start(
      String name, List<String> command, Path workDir, Path log, Map<String, String> env) {
    try {
      Files.createDirectories(workDir);
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      return new ChildProcess(name, pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  /** A JVM with the given classpath and main class, on the same Java as this one. */
  public static List<String> javaCommand(
      String classpath, List<String> jvmArgs, String mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Runs a command to completion (a setup step), failing with its output if it fails. */
  public static void runToCompletion(
      String name, List<String> command, Path workDir, Path log, Duration timeout) {
    ChildProcess p = start(name, command, workDir, log);
    try {
      if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.close();
        throw new IllegalStateException(
            name + " did not finish within " + timeout + "\n" + p.tail(40));
      }
      if (p.process.exitValue() != 0) {
        throw new IllegalStateException(
            name + " exited with " + p.process.exitValue() + "\n" + p.tail(40));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.close();
      throw new IllegalStateException("interrupted while running " + name, e);
    }
  }

  public void awaitReady(BooleanSupplier ready, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + " before it was ready\n" + tail(60));
      }
      if (ready.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + name, e);
      }
    }
    close();
    throw new IllegalStateException(name + " not ready within " + timeout + "\n" + tail(60));
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  public String tail(int lines) {
    return tail(log, lines);
  }

  public static String tail(Path file, int lines) {
    try {
      if (!Files.exists(file)) {
        return "(no log at " + file + ")";
      }
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  /** SIGKILL, as a crash or the out-of-memory killer would end it; returns once it is gone. */
  public void kill() {
    ProcessHandle h = process.toHandle();
    h.destroyForcibly();
    try {
      h.onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(name + " survived SIGKILL", e);
    }
  }

  /** Asks politely (SIGTERM), then forcibly after a grace period. */
  @Override
  public void close() {
    stop(process.toHandle(), Duration.ofSeconds(15));
  }

  public static void stop(ProcessHandle handle, Duration grace) {
    if (!handle.isAlive()) {
      return;
    }
    handle.destroy();
    try {
      handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      handle.destroyForcibly();
      try {
        handle.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // Nothing more we can do; the OS reaps it.
      }
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ", log " + log + ")";
  }
}
