-- Identities from an OpenID Connect provider (ProConnect) linked to a Pilote account. An
-- account is found by (issuer, subject), never by e-mail once linked: the e-mail an agent
-- has at the provider may change, the subject does not.
CREATE TABLE user_identities (
    id BIGSERIAL PRIMARY KEY,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (issuer, subject)
);
CREATE INDEX user_identities_user ON user_identities (user_id);
