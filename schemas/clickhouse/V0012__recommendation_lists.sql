-- A viewer's list as one row, replaced whole by the next: a shorter list leaves no tail behind and
-- two lists can never mix rank by rank. The per-rank table it replaces is derived data; the job
-- writes every viewer's list again at their next view.
CREATE TABLE IF NOT EXISTS recommendation_lists (
  viewer_id String,
  region String,
  computed_at DateTime,
  asset_ids Array(String),
  scores Array(Float64),
  reasons Array(String),
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY viewer_id;
DROP TABLE IF EXISTS recommendations;
