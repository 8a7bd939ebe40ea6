-- One summary per playback session; a later, more complete summary of the same session wins.
CREATE TABLE IF NOT EXISTS qoe_sessions (
  session_id String,
  viewer_id String,
  asset_id String,
  region String,
  edge_id String,
  device String,
  started_at DateTime,
  ended_at DateTime,
  startup_ms Nullable(UInt32),
  play_ms UInt64,
  stall_ms UInt64,
  seek_ms UInt64,
  stall_count UInt32,
  rebuffer_ratio Float64,
  bitrate_switches UInt32,
  avg_bitrate_kbps Float64,
  recoverable_errors UInt32,
  failed UInt8,
  exit_before_start UInt8,
  end_reason String,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(started_at)
ORDER BY (asset_id, session_id);
