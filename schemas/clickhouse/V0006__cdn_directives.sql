-- Every directive issued to the CDN.
CREATE TABLE IF NOT EXISTS cdn_directives (
  directive_id String,
  kind String,
  scope_type String,
  scope String,
  asset_id String,
  renditions Array(String),
  segment_from Nullable(Int32),
  segment_to Nullable(Int32),
  ttl_s Nullable(Int64),
  temperature String,
  score Float64,
  reason String,
  issued_at DateTime,
  valid_until DateTime
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(issued_at)
ORDER BY (scope, asset_id, directive_id);
