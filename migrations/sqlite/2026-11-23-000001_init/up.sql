-- Pilote's first schema (SQLite). Kept equivalent to ../../postgres/2026-11-23-000001_init.
-- Dates are ISO 8601 TEXT ('2026-11-16'), timestamps UTC TEXT, money whole euros.
-- AUTOINCREMENT so that ids of deleted rows are never reused (audit entries name them).

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled_at TEXT
);

CREATE TABLE incubators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    administration TEXT NOT NULL,
    investigation_months INTEGER NOT NULL DEFAULT 6 CHECK (investigation_months > 0),
    construction_months INTEGER NOT NULL DEFAULT 24 CHECK (construction_months > 0),
    acceleration_months INTEGER NOT NULL DEFAULT 24 CHECK (acceleration_months > 0),
    created_at TEXT NOT NULL
);

CREATE TABLE products (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    incubator_id INTEGER NOT NULL REFERENCES incubators (id),
    name TEXT NOT NULL,
    pitch TEXT NOT NULL,
    problem TEXT,
    sponsor TEXT NOT NULL,
    website TEXT,
    repository TEXT,
    published BOOLEAN NOT NULL DEFAULT 0,
    created_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX products_incubator_idx ON products (incubator_id);

CREATE TABLE user_roles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'member', 'viewer')),
    incubator_id INTEGER REFERENCES incubators (id) ON DELETE CASCADE,
    product_id INTEGER REFERENCES products (id) ON DELETE CASCADE,
    granted_at TEXT NOT NULL,
    CHECK (
        (role = 'manager' AND incubator_id IS NOT NULL AND product_id IS NULL)
        OR (role = 'member' AND product_id IS NOT NULL AND incubator_id IS NULL)
        OR (role IN ('admin', 'viewer') AND incubator_id IS NULL AND product_id IS NULL)
    )
);
CREATE UNIQUE INDEX user_roles_unique_idx
    ON user_roles (user_id, role, COALESCE(incubator_id, 0), COALESCE(product_id, 0));

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_product_idx ON api_tokens (product_id);

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('advance', 'continue', 'pivot', 'stop')),
    decided_on TEXT NOT NULL,
    rationale TEXT NOT NULL CHECK (length(rationale) > 0),
    decided_by INTEGER REFERENCES users (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX decisions_product_idx ON decisions (product_id, decided_on);

-- Phase records are half-open intervals [started_on, ended_on).
CREATE TABLE phases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    phase TEXT NOT NULL CHECK (phase IN ('investigation', 'construction', 'acceleration', 'perennisation')),
    started_on TEXT NOT NULL,
    ended_on TEXT,
    decision_id INTEGER REFERENCES decisions (id),
    CHECK (ended_on IS NULL OR ended_on >= started_on),
    UNIQUE (product_id, phase)
);
-- A running product has exactly one open phase; the database enforces "at most one".
CREATE UNIQUE INDEX phases_one_open_idx ON phases (product_id) WHERE ended_on IS NULL;

CREATE TABLE indicators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    unit TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('increase', 'decrease')),
    principle TEXT NOT NULL CHECK (principle IN ('usable', 'used', 'useful', 'impactful', 'efficient')),
    periodicity TEXT NOT NULL CHECK (periodicity IN ('week', 'month')),
    aggregation TEXT NOT NULL DEFAULT 'last' CHECK (aggregation IN ('sum', 'mean', 'last')),
    matrix_role TEXT CHECK (matrix_role IN ('ease_of_use', 'monthly_active_users', 'market_penetration', 'value_generated')),
    north_star BOOLEAN NOT NULL DEFAULT 0,
    description TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (product_id, key)
);
CREATE UNIQUE INDEX indicators_one_north_star_idx ON indicators (product_id) WHERE north_star;
CREATE UNIQUE INDEX indicators_one_role_idx ON indicators (product_id, matrix_role) WHERE matrix_role IS NOT NULL;

CREATE TABLE measures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    indicator_id INTEGER NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    value REAL NOT NULL,
    comment TEXT,
    source TEXT NOT NULL CHECK (source IN ('api', 'csv', 'form', 'import', 'demo')),
    author_user_id INTEGER REFERENCES users (id),
    author_token_id INTEGER REFERENCES api_tokens (id),
    recorded_at TEXT NOT NULL,
    UNIQUE (indicator_id, period)
);

-- Every replaced value, in the same transaction as its replacement: nothing is overwritten silently.
CREATE TABLE measure_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    measure_id INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    value REAL NOT NULL,
    comment TEXT,
    source TEXT NOT NULL,
    author_user_id INTEGER REFERENCES users (id),
    author_token_id INTEGER REFERENCES api_tokens (id),
    recorded_at TEXT NOT NULL,
    replaced_at TEXT NOT NULL
);
CREATE INDEX measure_history_measure_idx ON measure_history (measure_id, replaced_at);

CREATE TABLE contracts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL UNIQUE REFERENCES products (id) ON DELETE CASCADE,
    signed_on TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    review_cadence_months INTEGER NOT NULL CHECK (review_cadence_months > 0),
    updated_at TEXT NOT NULL,
    CHECK (starts_on < ends_on)
);

CREATE TABLE contract_budgets (
    contract_id INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (contract_id, year)
);

CREATE TABLE contract_milestones (
    contract_id INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    phase TEXT NOT NULL CHECK (phase IN ('investigation', 'construction', 'acceleration', 'perennisation')),
    planned_on TEXT NOT NULL,
    PRIMARY KEY (contract_id, phase)
);

CREATE TABLE objectives (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    indicator_id INTEGER NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    baseline_value REAL NOT NULL,
    baseline_on TEXT NOT NULL,
    target_value REAL NOT NULL,
    target_by TEXT NOT NULL,
    tolerance REAL NOT NULL DEFAULT 0.1 CHECK (tolerance >= 0 AND tolerance <= 1),
    created_at TEXT NOT NULL,
    CHECK (baseline_on < target_by)
);
CREATE INDEX objectives_contract_idx ON objectives (contract_id);

CREATE TABLE commitments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    area TEXT NOT NULL CHECK (area IN ('accessibility', 'security', 'eco_design', 'open_source', 'data')),
    expected TEXT NOT NULL,
    current TEXT NOT NULL,
    evidence_url TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX commitments_contract_idx ON commitments (contract_id);

CREATE TABLE spend (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    month TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    recorded_at TEXT NOT NULL,
    UNIQUE (product_id, month)
);

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    reviewed_on TEXT NOT NULL,
    reviewers TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('green', 'amber', 'red')),
    decision_kind TEXT NOT NULL CHECK (decision_kind IN ('advance', 'continue', 'pivot', 'stop')),
    decision_rationale TEXT NOT NULL,
    notes TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    decision_id INTEGER REFERENCES decisions (id),
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    signed_at TEXT,
    signed_by INTEGER REFERENCES users (id)
);
CREATE INDEX reviews_contract_idx ON reviews (contract_id, reviewed_on);

-- Append-only: who, when, what, before/after.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    before TEXT,
    after TEXT
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_key);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
