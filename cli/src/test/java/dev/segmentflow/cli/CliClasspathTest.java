package dev.segmentflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What bin/segmentflow runs on: production code only, never test libraries or test helpers. */
class CliClasspathTest {

  static List<String> runtimeClasspath() throws Exception {
    Path file = Path.of(System.getProperty("segmentflow.build.dir", "target"), "classpath.txt");
    return Arrays.stream(Files.readString(file).strip().split(File.pathSeparator))
        .map(entry -> Path.of(entry).getFileName().toString())
        .toList();
  }

  @Test
  void holdsNoTestLibraryAndNoTestkit() throws Exception {
    List<String> jars = runtimeClasspath();
    assertThat(jars).as("the CLI's runtime jars").hasSizeGreaterThan(20);
    assertThat(jars)
        .noneMatch(j -> j.startsWith("junit-"))
        .noneMatch(j -> j.startsWith("flink-test-utils"))
        .noneMatch(j -> j.startsWith("testkit-"))
        .noneMatch(j -> j.startsWith("assertj-"))
        .noneMatch(j -> j.startsWith("cache-sim-") || j.startsWith("recs-sim-"));
  }

  @Test
  void runsTheRealServicesFromLocalServices() throws Exception {
    assertThat(runtimeClasspath()).anyMatch(j -> j.startsWith("local-services-"));
  }
}
