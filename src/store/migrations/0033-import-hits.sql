-- Import declarations (H1/H7) assessed by the rules, watchlists and signals of entry summaries
-- (issue 12, point 5): the hits, explained, and their combined score, beside the model's score.
-- Imported history (the KCS data) and declarations decided before this have none.
ALTER TABLE import_declaration ADD COLUMN risk_score float8;
ALTER TABLE import_declaration ADD COLUMN hits jsonb NOT NULL DEFAULT '[]';
