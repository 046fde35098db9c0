-- Invitations and password resets by e-mail. Kept equivalent to
-- ../../postgres/2026-12-05-110001_one_time_tokens.

-- An account invited but not yet activated has no password; nor has one that only ever
-- signed in with ProConnect. SQLite cannot drop a NOT NULL, so `users` is rebuilt the way
-- https://sqlite.org/lang_altertable.html#otheralter says: foreign keys off (else dropping
-- `users` would cascade to every user's roles and identities), copy, drop, rename, all in one
-- transaction; the other tables' `REFERENCES users` then name the new table.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE users_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,
    created_at TEXT NOT NULL,
    disabled_at TEXT,
    session_generation BIGINT NOT NULL DEFAULT 0
);
INSERT INTO users_new (id, email, name, password_hash, created_at, disabled_at, session_generation)
    SELECT id, email, name, password_hash, created_at, disabled_at, session_generation FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

-- One-time links: only the SHA-256 of the link's 32-byte random secret is stored, so a copy
-- of the database opens no account. A token serves one purpose, once (`used_at`), before
-- `expires_at`.
CREATE TABLE one_time_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by BIGINT REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX one_time_tokens_user_idx ON one_time_tokens (user_id, purpose);

-- Password-reset requests are rate-limited like logins, in the same table: `kind` tells them
-- apart, so that neither eats the other's budget.
ALTER TABLE login_attempts ADD COLUMN kind TEXT NOT NULL DEFAULT 'login'
    CHECK (kind IN ('login', 'password_reset'));
COMMIT;
PRAGMA foreign_keys = ON;
