package dev.segmentflow.schemas.events;

/** Every record on a topic: versioned, with a deterministic id so that a replay overwrites. */
public interface Event {
  int schemaVersion();

  /** Deterministic id: equal inputs give equal ids, so sinks can deduplicate on it. */
  String id();
}
