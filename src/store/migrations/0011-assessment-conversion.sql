-- The reference rates an assessment converted declared values with (the dated set and the rates of
-- the currencies the consignment declared), so its explanation says which rate was used.
ALTER TABLE assessment ADD COLUMN conversion jsonb;
