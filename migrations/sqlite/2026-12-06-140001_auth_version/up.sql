-- A counter every change to who may do what moves: the servers cache each caller's identity
-- and grants, and trust the cache only while the counter has not moved since (read once per
-- request, one row). Triggers move it, so every writer does (the API, the pages, the CLI,
-- another replica) without a code path to forget. Kept equivalent to
-- ../../postgres/2026-12-06-140001_auth_version.
CREATE TABLE auth_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO auth_version (id, version) VALUES (1, 0);

-- A user's name, e-mail, password, session generation or disabled state.
CREATE TRIGGER auth_version_users_update AFTER UPDATE ON users
BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER auth_version_users_delete AFTER DELETE ON users
BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
-- A role granted, changed or revoked.
CREATE TRIGGER auth_version_roles_insert AFTER INSERT ON user_roles
BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER auth_version_roles_update AFTER UPDATE ON user_roles
BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER auth_version_roles_delete AFTER DELETE ON user_roles
BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
-- A token revoked or removed (not its `last_used_at`).
CREATE TRIGGER auth_version_tokens_revoke AFTER UPDATE OF revoked_at, token_hash, product_id ON api_tokens
BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER auth_version_tokens_delete AFTER DELETE ON api_tokens
BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
-- Grants name their product or incubator by slug.
CREATE TRIGGER auth_version_products_slug AFTER UPDATE OF slug ON products
BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER auth_version_products_delete AFTER DELETE ON products
BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER auth_version_incubators_slug AFTER UPDATE OF slug ON incubators
BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER auth_version_incubators_delete AFTER DELETE ON incubators
BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
