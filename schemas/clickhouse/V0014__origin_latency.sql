-- How long a miss waited for the origin, apart from the whole request's latency: what tells a slow
-- origin from a slow viewer when a stall is attributed (qoe_stall_causes).
ALTER TABLE edge_requests ADD COLUMN origin_latency_us Nullable(UInt64) AFTER latency_us;
