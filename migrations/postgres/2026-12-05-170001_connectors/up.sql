-- Numbers that come in by themselves (issue 22): an indicator's source (Matomo, a JSON or CSV
-- URL) fetched on a schedule by the job runner, and named jobs of the runner (the beta.gouv
-- sync). Kept equivalent to ../../sqlite/2026-12-05-170001_connectors.

ALTER TABLE measures DROP CONSTRAINT measures_source_check;
ALTER TABLE measures ADD CONSTRAINT measures_source_check
    CHECK (source IN ('api', 'csv', 'form', 'import', 'demo', 'matomo', 'json', 'csv_url'));

-- One source per indicator. `settings` is JSON (Matomo's site id and metric, a JSON pointer);
-- the Matomo token is only ever in `secret`, encrypted (XChaCha20-Poly1305, the key from the
-- settings, the indicator's id as associated data), hex of nonce then ciphertext.
-- `lease_owner`/`lease_until`: the runner that claimed the run (a conditional UPDATE, so that
-- replicas on one database never run it twice; a crashed runner's lease expires).
CREATE TABLE indicator_sources (
    id BIGSERIAL PRIMARY KEY,
    indicator_id BIGINT NOT NULL UNIQUE REFERENCES indicators (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('matomo', 'json', 'csv')),
    url TEXT NOT NULL,
    settings TEXT NOT NULL,
    secret TEXT,
    every_hours INTEGER NOT NULL CHECK (every_hours BETWEEN 1 AND 744),
    next_run_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    failures INTEGER NOT NULL DEFAULT 0,
    last_run_at TIMESTAMP,
    last_error TEXT,
    last_created BIGINT,
    last_updated BIGINT,
    last_unchanged BIGINT
);
CREATE INDEX indicator_sources_due_idx ON indicator_sources (next_run_at);

-- Named jobs of the runner other than sources (`sync_betagouv`), claimed the same way.
CREATE TABLE runner_jobs (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    next_run_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    last_run_at TIMESTAMP,
    last_error TEXT
);
