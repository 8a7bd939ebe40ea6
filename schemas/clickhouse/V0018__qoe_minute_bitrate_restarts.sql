-- Per minute, like per session: the time-weighted mean and the peak of the bitrate played, and the
-- seeks whose restart completed in the minute with their restart times summed (mean video restart
-- time = restart_ms / restarts).
ALTER TABLE qoe_minute ADD COLUMN avg_bitrate_kbps Float64 DEFAULT 0, ADD COLUMN peak_bitrate_kbps UInt32 DEFAULT 0, ADD COLUMN restarts UInt32 DEFAULT 0, ADD COLUMN restart_ms UInt64 DEFAULT 0;
