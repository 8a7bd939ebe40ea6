-- Titles with genre, creator and publish time; a newer entry for an asset wins.
CREATE TABLE IF NOT EXISTS asset_catalogue (
  asset_id String,
  title String,
  genre String,
  creator String,
  duration_s Float64,
  published_at DateTime,
  live UInt8,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY asset_id;
