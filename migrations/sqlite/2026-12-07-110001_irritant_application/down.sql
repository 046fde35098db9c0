DROP INDEX irritants_application_idx;
ALTER TABLE irritants DROP COLUMN application_id;
