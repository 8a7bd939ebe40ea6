-- One row per rendered segment: what encoded it, how long it took, how big and how good it is.
CREATE TABLE IF NOT EXISTS renditions (
  rendered_id String,
  asset_id String,
  rendition String,
  sequence UInt32,
  packaging String,
  uri String,
  width UInt16,
  height UInt16,
  bitrate_kbps UInt32,
  duration_s Float64,
  bytes UInt64,
  encoder String,
  encode_ms UInt64,
  psnr Nullable(Float64),
  ssim Nullable(Float64),
  rendered_at DateTime
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(rendered_at)
ORDER BY (asset_id, rendition, sequence, packaging);
