PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
ALTER TABLE login_attempts DROP COLUMN kind;
DROP TABLE one_time_tokens;
-- Accounts without a password get one nobody knows (an empty hash never verifies).
CREATE TABLE users_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled_at TEXT,
    session_generation BIGINT NOT NULL DEFAULT 0
);
INSERT INTO users_old (id, email, name, password_hash, created_at, disabled_at, session_generation)
    SELECT id, email, name, COALESCE(password_hash, ''), created_at, disabled_at, session_generation
    FROM users;
DROP TABLE users;
ALTER TABLE users_old RENAME TO users;
COMMIT;
PRAGMA foreign_keys = ON;
