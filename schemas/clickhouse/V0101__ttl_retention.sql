-- requires: ttl
-- Retention: raw events and requests 90 days, dead letters 30 days; aggregates are kept.
ALTER TABLE viewer_events MODIFY TTL event_time + INTERVAL 90 DAY;
ALTER TABLE edge_requests MODIFY TTL request_time + INTERVAL 90 DAY;
ALTER TABLE dead_letters MODIFY TTL received_at + INTERVAL 30 DAY;
