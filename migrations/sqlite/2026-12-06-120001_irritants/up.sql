-- Irritants submitted to an incubator and their votes (issue 24 item 5). Kept equivalent to
-- ../../postgres/2026-12-06-120001_irritants.

-- An irritant answers to at most one product (`product_id`, set by a manager). The link to an
-- application of a campaign is a later, nullable `application_id` column beside it.
CREATE TABLE irritants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    incubator_id INTEGER NOT NULL REFERENCES incubators (id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    answer TEXT,
    closed_by INTEGER REFERENCES users (id),
    closed_at TEXT,
    product_id INTEGER REFERENCES products (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    CHECK ((status = 'open') = (answer IS NULL AND closed_at IS NULL))
);
CREATE INDEX irritants_incubator_idx ON irritants (incubator_id, status);
CREATE INDEX irritants_product_idx ON irritants (product_id);

-- One vote per person and irritant.
CREATE TABLE irritant_votes (
    irritant_id INTEGER NOT NULL REFERENCES irritants (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (irritant_id, user_id)
);
