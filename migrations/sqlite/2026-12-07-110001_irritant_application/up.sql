-- An irritant may be answered by an application of a campaign (issue 24), beside the product
-- that answers it. Kept equivalent to ../../postgres/2026-12-07-110001_irritant_application.
-- Deleting the application unlinks the irritant rather than losing it.
ALTER TABLE irritants ADD COLUMN application_id INTEGER REFERENCES applications (id) ON DELETE SET NULL;
CREATE INDEX irritants_application_idx ON irritants (application_id);
