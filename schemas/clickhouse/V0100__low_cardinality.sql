-- requires: low_cardinality
-- Dictionary-encode the small-domain string columns that are not in a sorting key.
ALTER TABLE viewer_events MODIFY COLUMN event_type LowCardinality(String), MODIFY COLUMN region LowCardinality(String), MODIFY COLUMN device LowCardinality(String);
ALTER TABLE edge_requests MODIFY COLUMN region LowCardinality(String), MODIFY COLUMN object_type LowCardinality(String), MODIFY COLUMN cache_status LowCardinality(String), MODIFY COLUMN method LowCardinality(String);
ALTER TABLE renditions MODIFY COLUMN encoder LowCardinality(String);
ALTER TABLE cdn_directives MODIFY COLUMN kind LowCardinality(String), MODIFY COLUMN temperature LowCardinality(String);
ALTER TABLE dead_letters MODIFY COLUMN field LowCardinality(String);
