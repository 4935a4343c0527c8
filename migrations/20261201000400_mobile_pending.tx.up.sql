ALTER TABLE accounts ADD COLUMN mobile_pending TEXT;
