-- Alerts name the cause most of their scope's stall time that minute was put down to
-- (qoe_stall_causes), and its share of that time; '' and 0 when nothing stalled.
ALTER TABLE qoe_alerts ADD COLUMN dominant_cause String DEFAULT '', ADD COLUMN cause_share Float64 DEFAULT 0;
