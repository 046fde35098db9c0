-- Appels à candidatures (issue 24). Kept equivalent to ../../sqlite/2026-12-06-110001_campaigns.

-- An appel à candidatures of an incubator; applications are taken from `opens_on` to
-- `closes_on`, both included.
CREATE TABLE campaigns (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    incubator_id BIGINT NOT NULL REFERENCES incubators (id),
    title TEXT NOT NULL,
    opens_on DATE NOT NULL,
    closes_on DATE NOT NULL,
    audience TEXT NOT NULL CHECK (audience IN ('public', 'agents')),
    description TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK (closes_on >= opens_on)
);
CREATE INDEX campaigns_incubator_idx ON campaigns (incubator_id);

-- What the jury scores, in the campaign's order.
CREATE TABLE campaign_criteria (
    id BIGSERIAL PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    weight INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 100),
    UNIQUE (campaign_id, key)
);

-- An application, with the fields of beta.gouv.fr's call template; `consents` is the JSON
-- object the applicant agreed to. `product_id`: the investigation launched from it.
CREATE TABLE applications (
    id BIGSERIAL PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    status TEXT NOT NULL CHECK (status IN ('received', 'preselected', 'auditioned', 'selected', 'rejected')),
    title TEXT NOT NULL,
    problem TEXT NOT NULL,
    who_suffers TEXT NOT NULL,
    current_workaround TEXT NOT NULL,
    first_users TEXT NOT NULL,
    intrapreneur_name TEXT NOT NULL,
    intrapreneur_email TEXT NOT NULL,
    availability_percent INTEGER NOT NULL CHECK (availability_percent BETWEEN 1 AND 100),
    sponsor TEXT NOT NULL,
    consents TEXT NOT NULL,
    submitted_by BIGINT REFERENCES users (id),
    submitted_at TIMESTAMP NOT NULL,
    product_id BIGINT UNIQUE REFERENCES products (id)
);
CREATE INDEX applications_campaign_idx ON applications (campaign_id);

-- Every status an application took, with its reason and who set it: history kept.
CREATE TABLE application_status_history (
    id BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('received', 'preselected', 'auditioned', 'selected', 'rejected')),
    reason TEXT,
    actor_id BIGINT REFERENCES users (id),
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX application_status_history_idx ON application_status_history (application_id);

-- One row per juror per application: the scores (JSON object, criterion key → 0..5) and
-- whether the juror declared a conflict of interest (then nothing counts).
CREATE TABLE application_scores (
    id BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    juror_id BIGINT NOT NULL REFERENCES users (id),
    conflict_of_interest BOOLEAN NOT NULL,
    scores TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (application_id, juror_id)
);

-- Applications to public campaigns are rate-limited per address like sign-ins, in the same
-- table: a third kind.
ALTER TABLE login_attempts DROP CONSTRAINT login_attempts_kind_check;
ALTER TABLE login_attempts ADD CONSTRAINT login_attempts_kind_check
    CHECK (kind IN ('login', 'password_reset', 'application'));
