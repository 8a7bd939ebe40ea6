-- Top-N recommendations per viewer; a newer computation of the same (viewer, rank) wins.
CREATE TABLE IF NOT EXISTS recommendations (
  viewer_id String,
  rank UInt16,
  asset_id String,
  score Float64,
  reason String,
  computed_at DateTime,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(computed_at)
ORDER BY (viewer_id, rank);
