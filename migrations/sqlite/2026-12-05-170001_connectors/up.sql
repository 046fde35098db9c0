-- Numbers that come in by themselves (issue 22): an indicator's source (Matomo, a JSON or CSV
-- URL) fetched on a schedule by the job runner, and named jobs of the runner (the beta.gouv
-- sync). Kept equivalent to ../../postgres/2026-12-05-170001_connectors.

-- Measures may now come from a source. SQLite cannot change a CHECK constraint in place, so
-- `measures` is rebuilt; `measure_history` references it and is rebuilt first, because dropping
-- `measures` with foreign keys on would cascade into the history (which is never lost).
CREATE TABLE measures_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    indicator_id INTEGER NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    value REAL NOT NULL,
    comment TEXT,
    source TEXT NOT NULL CHECK (source IN ('api', 'csv', 'form', 'import', 'demo', 'matomo', 'json', 'csv_url')),
    author_user_id INTEGER REFERENCES users (id),
    author_token_id INTEGER REFERENCES api_tokens (id),
    recorded_at TEXT NOT NULL,
    suspect BOOLEAN NOT NULL DEFAULT 0,
    UNIQUE (indicator_id, period)
);
INSERT INTO measures_new (id, indicator_id, period, value, comment, source, author_user_id,
                          author_token_id, recorded_at, suspect)
SELECT id, indicator_id, period, value, comment, source, author_user_id, author_token_id,
       recorded_at, suspect
FROM measures;

CREATE TABLE measure_history_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    measure_id INTEGER NOT NULL REFERENCES measures_new (id) ON DELETE CASCADE,
    value REAL NOT NULL,
    comment TEXT,
    source TEXT NOT NULL,
    author_user_id INTEGER REFERENCES users (id),
    author_token_id INTEGER REFERENCES api_tokens (id),
    recorded_at TEXT NOT NULL,
    replaced_at TEXT NOT NULL,
    suspect BOOLEAN NOT NULL DEFAULT 0
);
INSERT INTO measure_history_new (id, measure_id, value, comment, source, author_user_id,
                                 author_token_id, recorded_at, replaced_at, suspect)
SELECT id, measure_id, value, comment, source, author_user_id, author_token_id, recorded_at,
       replaced_at, suspect
FROM measure_history;

DROP TABLE measure_history;
DROP TABLE measures;
-- Renaming rewrites measure_history_new's reference to `measures`.
ALTER TABLE measures_new RENAME TO measures;
ALTER TABLE measure_history_new RENAME TO measure_history;
CREATE INDEX measure_history_measure_idx ON measure_history (measure_id, replaced_at);

-- One source per indicator. `settings` is JSON (Matomo's site id and metric, a JSON pointer);
-- the Matomo token is only ever in `secret`, encrypted (XChaCha20-Poly1305, the key from the
-- settings, the indicator's id as associated data), hex of nonce then ciphertext.
-- `lease_owner`/`lease_until`: the runner that claimed the run (a conditional UPDATE, so that
-- replicas on one database never run it twice; a crashed runner's lease expires).
CREATE TABLE indicator_sources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    indicator_id INTEGER NOT NULL UNIQUE REFERENCES indicators (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('matomo', 'json', 'csv')),
    url TEXT NOT NULL,
    settings TEXT NOT NULL,
    secret TEXT,
    every_hours INTEGER NOT NULL CHECK (every_hours BETWEEN 1 AND 744),
    next_run_at TEXT NOT NULL,
    lease_owner TEXT,
    lease_until TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    last_run_at TEXT,
    last_error TEXT,
    last_created INTEGER,
    last_updated INTEGER,
    last_unchanged INTEGER
);
CREATE INDEX indicator_sources_due_idx ON indicator_sources (next_run_at);

-- Named jobs of the runner other than sources (`sync_betagouv`), claimed the same way.
CREATE TABLE runner_jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    next_run_at TEXT NOT NULL,
    lease_owner TEXT,
    lease_until TEXT,
    last_run_at TEXT,
    last_error TEXT
);
