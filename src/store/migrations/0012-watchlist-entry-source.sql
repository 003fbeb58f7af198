-- Watchlist entries say where they came from and when they were added, and may expire: an expired
-- entry stays listed for the analyst but no longer matches.
ALTER TABLE watchlist_entry ADD COLUMN source text;
ALTER TABLE watchlist_entry ADD COLUMN added_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE watchlist_entry ADD COLUMN expires_at timestamptz;
