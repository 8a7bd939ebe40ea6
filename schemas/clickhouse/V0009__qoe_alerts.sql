-- QoE alerts with a grade A-F per scope and minute.
CREATE TABLE IF NOT EXISTS qoe_alerts (
  alert_id String,
  minute DateTime,
  scope_type String,
  scope String,
  metric String,
  value Float64,
  threshold Float64,
  grade String,
  message String
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, scope_type, scope, metric, alert_id);
