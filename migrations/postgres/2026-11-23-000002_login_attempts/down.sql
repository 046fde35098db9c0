DROP INDEX login_attempts_ip_idx;
DROP INDEX login_attempts_email_idx;
DROP TABLE login_attempts;
