-- Invalidating a part another filing's consignments are linked to (a maritime master F12 or F13, an
-- air complement F25) unlinks them (issue 17): they are found by the MRN they are linked to. Only
-- linked consignments are indexed, so lodging a consignment costs nothing more.
CREATE INDEX consignment_by_master ON consignment (master_mrn) WHERE master_mrn IS NOT NULL;
