-- Popularity per region and asset over time; the newest version of a (region, asset, window) wins.
CREATE TABLE IF NOT EXISTS popularity (
  region String,
  asset_id String,
  window_end DateTime,
  requests_per_hour Float64,
  growth Float64,
  score Float64,
  temperature String,
  bytes_served UInt64,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(window_end)
ORDER BY (region, asset_id, window_end);
