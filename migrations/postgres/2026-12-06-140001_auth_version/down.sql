DROP TRIGGER auth_version_incubators ON incubators;
DROP TRIGGER auth_version_products ON products;
DROP TRIGGER auth_version_tokens ON api_tokens;
DROP TRIGGER auth_version_roles ON user_roles;
DROP TRIGGER auth_version_users ON users;
DROP FUNCTION auth_version_bump();
DROP TABLE auth_version;
