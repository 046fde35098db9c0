-- Suspect values (issue 11): a value far from its recent series, or of the other sign, is stored
-- but flagged until a member clears it. Kept equivalent to ../../postgres/2026-11-23-000007_suspect_measures.
ALTER TABLE measures ADD COLUMN suspect BOOLEAN NOT NULL DEFAULT 0;
-- A replaced version keeps the flag it had, so that history shows which corrections fixed a typo.
ALTER TABLE measure_history ADD COLUMN suspect BOOLEAN NOT NULL DEFAULT 0;
