-- Input that could not be used, with the reason code; one row per dead letter id.
CREATE TABLE IF NOT EXISTS dead_letters (
  dead_letter_id String,
  source_topic String,
  source_partition Nullable(Int32),
  source_offset Nullable(Int64),
  reason String,
  field String,
  detail String,
  payload String,
  payload_bytes UInt32,
  received_at DateTime
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(received_at)
ORDER BY (source_topic, reason, dead_letter_id);
