package dev.segmentflow.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * A sink that keeps what it receives in this JVM, for jobs run on the test's MiniCluster: the
 * flink-training style of testing a job's {@code build(...)} with in-memory input and output. Every
 * instance has its own store, shared by its parallel writers.
 */
public final class CollectingSink<T> implements Sink<T> {
  private static final Map<String, Queue<Object>> STORES = new ConcurrentHashMap<>();
  private final String id = UUID.randomUUID().toString();

  public CollectingSink() {
    STORES.put(id, new ConcurrentLinkedQueue<>());
  }

  /** What has arrived so far, in no particular order across writers. */
  @SuppressWarnings("unchecked")
  public List<T> values() {
    List<T> out = new ArrayList<>();
    for (Object o : STORES.get(id)) {
      out.add((T) o);
    }
    return out;
  }

  @Override
  @SuppressWarnings("deprecation") // the one abstract createWriter of Flink 1.20
  public SinkWriter<T> createWriter(InitContext context) {
    Queue<Object> store = STORES.get(id);
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context c) {
        store.add(element);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
