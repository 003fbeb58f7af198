-- Hot-path indexes that leave the planner one sensible plan whatever the statistics (issue 20): on a
-- fresh table (never analysed: a new deployment, a new partition) or under a generic plan, an index
-- whose leading columns match only part of a lookup was chosen, with the rest as a filter, reading
-- every row of a busy carrier, filer or authority. test/perf/hot-path-rows.test.ts checks each plan.

-- Masters and pre-loading sets by transport document: the document leads, so `doc_ref = ANY($n)` is
-- the index condition (one descent per document) and never a filter over the carrier's history. The
-- pre-loading lookup names no carrier and is served by the same index.
DROP INDEX consignment_by_doc;
CREATE INDEX consignment_by_doc ON consignment (doc_ref, authority, carrier_eori);

-- House consignments still waiting for their master document: only those are indexed (a linked house
-- never waits again), by the master document first.
DROP INDEX consignment_by_master_doc;
CREATE INDEX consignment_waiting_house ON consignment (master_doc_ref, authority, carrier_eori)
  WHERE master_mrn IS NULL AND master_doc_ref IS NOT NULL;

-- The statistics stamp (max(refreshed_at), read every second per process) is one index entry.
CREATE INDEX unit_value_stats_refreshed ON unit_value_stats (authority, refreshed_at);

-- The control queue of active tasks (open, assigned) pages by due date without reading the done ones.
CREATE INDEX control_task_active ON control_task (authority, due_at, id) WHERE status IN ('open', 'assigned');

-- A filer's LRN (idempotent registration) is one entry of the unique index on (authority, filer, lrn).
-- On a fresh table the planner costed filing_by_filer (authority, filer, …) the same and filtered the
-- filer's whole history by lrn. The listing index now compares filer in the "C" collation, which only
-- the listing asks for (filing.repository.ts, list): the LRN lookup matches one index alone.
DROP INDEX filing_by_filer;
CREATE INDEX filing_by_filer ON filing (authority, filer COLLATE "C", lodged_at DESC, mrn DESC);

-- The authority's notification feed (officials; no filer) pages by id within the authority; with only
-- (authority, filer, id) a fresh table's plan read every notification of the authority and sorted.
CREATE INDEX notification_by_authority ON notification (authority, id);

-- Operator profiles by key: the key leads the primary key, so `key = ANY($2)` is the index condition.
-- With (authority, key) a fresh table's plan took `authority = $1` alone and filtered every operator of
-- the authority by key (the whole table, once per assessment). ON CONFLICT (authority, key) infers
-- this index as before (the same columns).
ALTER TABLE operator DROP CONSTRAINT operator_pkey;
ALTER TABLE operator ADD PRIMARY KEY (key, authority);

-- Queues are vacuumed by the number of dead rows, not by a fraction of the table: every processed
-- outbox row and every chained staging row leaves a dead row whose entry stays in the pending index
-- until a vacuum, and a bitmap scan of that index (the claim, the backlog count) reads every such
-- entry again. With the default 20% of the table, a queue beside a million rows of history would
-- carry 200,000 dead entries between two vacuums. (PGlite runs no autovacuum at all.)
ALTER TABLE outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000);
ALTER TABLE audit_pending SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000);
