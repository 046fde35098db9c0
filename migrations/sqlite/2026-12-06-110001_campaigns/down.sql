CREATE TABLE login_attempts_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    attempted_at TEXT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    kind TEXT NOT NULL DEFAULT 'login' CHECK (kind IN ('login', 'password_reset'))
);
INSERT INTO login_attempts_old (id, email, ip, attempted_at, succeeded, kind)
    SELECT id, email, ip, attempted_at, succeeded, kind FROM login_attempts
    WHERE kind <> 'application';
DROP TABLE login_attempts;
ALTER TABLE login_attempts_old RENAME TO login_attempts;
CREATE INDEX login_attempts_email_idx ON login_attempts (email, attempted_at);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, attempted_at);
DROP TABLE application_scores;
DROP TABLE application_status_history;
DROP TABLE applications;
DROP TABLE campaign_criteria;
DROP TABLE campaigns;
