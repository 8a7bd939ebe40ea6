-- One-minute QoE aggregates by asset x region x edge x device.
CREATE TABLE IF NOT EXISTS qoe_minute (
  minute DateTime,
  asset_id String,
  region String,
  edge_id String,
  device String,
  sessions UInt32,
  play_ms UInt64,
  stall_ms UInt64,
  rebuffer_ratio Float64,
  startup_p50_ms Float64,
  startup_p95_ms Float64,
  failures UInt32,
  exits_before_start UInt32,
  bitrate_switches UInt32,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, asset_id, region, edge_id, device);
