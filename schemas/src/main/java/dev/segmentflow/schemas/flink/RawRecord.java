package dev.segmentflow.schemas.flink;

/** Bytes from a topic with where they came from, so a dead letter can point back at them. */
public record RawRecord(
    String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {}
