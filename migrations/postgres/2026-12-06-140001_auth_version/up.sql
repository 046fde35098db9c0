-- A counter every change to who may do what moves: the servers cache each caller's identity
-- and grants, and trust the cache only while the counter has not moved since (read once per
-- request, one row). Triggers move it, so every writer does (the API, the pages, the CLI,
-- another replica) without a code path to forget. Kept equivalent to
-- ../../sqlite/2026-12-06-140001_auth_version.
CREATE TABLE auth_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO auth_version (id, version) VALUES (1, 0);

CREATE FUNCTION auth_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE auth_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

-- A user's name, e-mail, password, session generation or disabled state.
CREATE TRIGGER auth_version_users AFTER UPDATE OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION auth_version_bump();
-- A role granted, changed or revoked.
CREATE TRIGGER auth_version_roles AFTER INSERT OR UPDATE OR DELETE ON user_roles
    FOR EACH STATEMENT EXECUTE FUNCTION auth_version_bump();
-- A token revoked or removed (not its `last_used_at`).
CREATE TRIGGER auth_version_tokens AFTER UPDATE OF revoked_at, token_hash, product_id OR DELETE
    ON api_tokens FOR EACH STATEMENT EXECUTE FUNCTION auth_version_bump();
-- Grants name their product or incubator by slug.
CREATE TRIGGER auth_version_products AFTER UPDATE OF slug OR DELETE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION auth_version_bump();
CREATE TRIGGER auth_version_incubators AFTER UPDATE OF slug OR DELETE ON incubators
    FOR EACH STATEMENT EXECUTE FUNCTION auth_version_bump();
