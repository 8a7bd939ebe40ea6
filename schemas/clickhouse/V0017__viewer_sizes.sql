-- The player's drawing size and the playing rendition's size, when the player reports them: what
-- the QoE job's upscale and downscale shares are computed from.
ALTER TABLE viewer_events ADD COLUMN player_width Nullable(Int32), ADD COLUMN player_height Nullable(Int32), ADD COLUMN video_width Nullable(Int32), ADD COLUMN video_height Nullable(Int32);
-- Share of play time with the picture upscaled (rendition smaller than the player) or downscaled
-- (larger), over the play time whose sizes are known; null when the player reported none.
ALTER TABLE qoe_sessions ADD COLUMN upscale_ratio Nullable(Float64), ADD COLUMN downscale_ratio Nullable(Float64);
