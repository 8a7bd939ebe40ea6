-- Every valid viewer event, as validated at intake. Replays overwrite by event_id.
CREATE TABLE IF NOT EXISTS viewer_events (
  event_id String,
  event_type String,
  session_id String,
  viewer_id String,
  asset_id String,
  region String,
  edge_id String,
  device String,
  event_time DateTime,
  event_time_ms UInt64,
  position_s Nullable(Float64),
  bitrate_kbps Nullable(Int64),
  buffer_length_ms Nullable(Int64),
  throughput_kbps Nullable(Int64),
  buffer_starvation Nullable(UInt8),
  startup Nullable(UInt8),
  fatal Nullable(UInt8),
  error_code String
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(event_time)
ORDER BY (asset_id, session_id, event_id);
