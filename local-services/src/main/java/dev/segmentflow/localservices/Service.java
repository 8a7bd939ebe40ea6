package dev.segmentflow.localservices;

/** A real service started for tests or the demo. */
public interface Service extends AutoCloseable {
  String name();

  ChildProcess process();

  default String logTail(int lines) {
    return process() == null ? "(not started)" : process().tail(lines);
  }

  @Override
  void close();
}
