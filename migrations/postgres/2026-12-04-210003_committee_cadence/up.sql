-- Committee cadence (issue 21): a running product's next committee is due at most this many
-- months after its last committee decision; an incubator setting, six by default. Kept
-- equivalent in ../../sqlite and ../../postgres.
ALTER TABLE incubators ADD COLUMN committee_months INTEGER NOT NULL DEFAULT 6
    CHECK (committee_months BETWEEN 1 AND 24);
