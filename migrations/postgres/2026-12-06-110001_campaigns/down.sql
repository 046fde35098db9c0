DELETE FROM login_attempts WHERE kind = 'application';
ALTER TABLE login_attempts DROP CONSTRAINT login_attempts_kind_check;
ALTER TABLE login_attempts ADD CONSTRAINT login_attempts_kind_check
    CHECK (kind IN ('login', 'password_reset'));
DROP TABLE application_scores;
DROP TABLE application_status_history;
DROP TABLE applications;
DROP TABLE campaign_criteria;
DROP TABLE campaigns;
