-- ICS2 multiple filing beyond master and house (issue 17): the air 7+1 pre-loading set (F23/F24/F32/F43)
-- and its complement (F25), which names the set's house transport document as a previous document
-- (DE 12 01). Both parts are stored as such; a complement's previous documents wait here until the
-- set they name arrives (or its filer consents to the complement's filer), in either order.
ALTER TABLE filing DROP CONSTRAINT filing_part_check;
ALTER TABLE filing ADD CONSTRAINT filing_part_check
  CHECK (part IN ('complete', 'master', 'house', 'pre-loading', 'complement'));

CREATE TABLE filing_previous_document (
  mrn        text NOT NULL REFERENCES filing (mrn),
  ref        text NOT NULL,
  authority  text NOT NULL,
  -- The pre-loading set's consignment the document named, once linked.
  set_mrn    text,
  set_seq    int,
  PRIMARY KEY (mrn, ref)
);
CREATE INDEX filing_previous_document_waiting ON filing_previous_document (authority, ref)
  WHERE set_mrn IS NULL;
