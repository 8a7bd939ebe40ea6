-- Every stretch a viewer waited (startup, a seek's buffering, a rebuffer) with the cause the QoE job
-- put it down to (StallAttributor: EDGE_MISS, LAST_MILE, STARTUP, SEEK, UNKNOWN) and the evidence:
-- the segment waited for, how the edge served it, the player's throughput against its bitrate.
CREATE TABLE IF NOT EXISTS qoe_stall_causes (
  session_id String,
  asset_id String,
  region String,
  edge_id String,
  kind String,
  started_at DateTime,
  start_ms UInt64,
  duration_ms UInt64,
  cause String,
  rendition String,
  segment_sequence Nullable(Int32),
  cache_status String,
  origin_latency_us Nullable(UInt64),
  throughput_kbps Nullable(UInt64),
  bitrate_kbps Nullable(UInt64)
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(started_at)
ORDER BY (session_id, kind, start_ms);
