-- Invitations and password resets by e-mail. Kept equivalent to
-- ../../sqlite/2026-12-05-110001_one_time_tokens.

-- An account invited but not yet activated has no password; nor has one that only ever
-- signed in with ProConnect.
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;

-- One-time links: only the SHA-256 of the link's 32-byte random secret is stored, so a copy
-- of the database opens no account. A token serves one purpose, once (`used_at`), before
-- `expires_at`.
CREATE TABLE one_time_tokens (
    id BIGSERIAL PRIMARY KEY,
    purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX one_time_tokens_user_idx ON one_time_tokens (user_id, purpose);

-- Password-reset requests are rate-limited like logins, in the same table: `kind` tells them
-- apart, so that neither eats the other's budget.
ALTER TABLE login_attempts ADD COLUMN kind TEXT NOT NULL DEFAULT 'login'
    CHECK (kind IN ('login', 'password_reset'));
