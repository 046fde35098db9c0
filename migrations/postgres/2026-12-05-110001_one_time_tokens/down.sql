ALTER TABLE login_attempts DROP COLUMN kind;
DROP TABLE one_time_tokens;
-- Accounts without a password get one nobody knows (an empty hash never verifies).
UPDATE users SET password_hash = '' WHERE password_hash IS NULL;
ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL;
