-- Watchlist entries are entities (issue 19): keyed by (authority, list, id), not by their name, so a
-- list may hold the same name twice ("AL-AQSA FOUNDATION" is four entities on the SDN list) and each
-- keeps its own identifiers. An entity has its main value, its aliases (other spellings and
-- original-script names, each screened as the entity), a type, identifiers (kind/value pairs) and
-- the note, source, added and expiry dates it had.
--
-- Existing rows get the id an upload gives an entry without one: 'v:' and the first 16 hex digits of
-- the MD5 of its value (src/rules/list-formats/entity-id.ts), so uploading a name again replaces it as
-- before. The table is altered in place: its row-level security policies and grants stay (0008, 0014).

ALTER TABLE watchlist_entry ADD COLUMN id text;
UPDATE watchlist_entry SET id = 'v:' || left(md5(value), 16);
ALTER TABLE watchlist_entry ALTER COLUMN id SET NOT NULL;
ALTER TABLE watchlist_entry ADD COLUMN aliases jsonb NOT NULL DEFAULT '[]';
ALTER TABLE watchlist_entry ADD COLUMN type text
  CHECK (type IN ('person', 'organisation', 'vessel', 'aircraft', 'other'));
ALTER TABLE watchlist_entry ADD COLUMN identifiers jsonb NOT NULL DEFAULT '[]';

ALTER TABLE watchlist_entry DROP CONSTRAINT watchlist_entry_pkey;
ALTER TABLE watchlist_entry ADD PRIMARY KEY (authority, list, id);
-- Pages of a list by value (then id), and taking a value off a list.
CREATE INDEX watchlist_entry_by_value ON watchlist_entry (authority, list, value, id);

-- Every change to a list counts here (src/rules/rule.repository.ts, touchWatchlist): the rule-set
-- cache's stamp sums the counts, so it moves on with each change even when changes fall within one
-- instant of the clock or commit out of clock order (a max of timestamps would not).
ALTER TABLE watchlist ADD COLUMN changes bigint NOT NULL DEFAULT 0;
