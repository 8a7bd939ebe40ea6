-- Every request an edge served, with its cache status.
CREATE TABLE IF NOT EXISTS edge_requests (
  request_id String,
  edge_id String,
  region String,
  method String,
  path String,
  asset_id String,
  rendition String,
  segment_sequence Nullable(Int32),
  object_type String,
  status UInt16,
  cache_status String,
  bytes UInt64,
  latency_us UInt64,
  session_id String,
  request_time DateTime,
  request_time_ms UInt64
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(request_time)
ORDER BY (edge_id, asset_id, request_id);
