-- What the beta.gouv.fr catalogue says of an imported product (issue 21). Kept equivalent to
-- ../../postgres/2026-12-04-210001_betagouv_catalogue. A table of its own rather than columns
-- of `products`: diesel is built without its 32-column tables, and `products` has 15.
-- `betagouv_id` is the catalogue's own id, as written (`données-et-territoires`), which
-- re-imports and `pilote sync` match on; `outcome` is how a finished product ended.
CREATE TABLE product_catalogue (
    product_id INTEGER PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    betagouv_id TEXT NOT NULL CHECK (length(betagouv_id) > 0),
    outcome TEXT CHECK (outcome IN ('consolidation', 'opere', 'transfere', 'abandon')),
    -- The catalogue's description and phases as last imported or synced (JSON): the base of
    -- `pilote sync betagouv`'s three-way comparison, so that it never overwrites what was
    -- entered in Pilote since.
    synced TEXT
);
CREATE UNIQUE INDEX product_catalogue_betagouv_id_idx ON product_catalogue (betagouv_id);

-- A phase record that began with a return to an earlier phase (construction → investigation),
-- as the catalogue recorded it; never the result of a decision. A product may then be in the
-- same phase twice: one record per phase and start day. SQLite cannot drop a table
-- constraint, so the table is rebuilt (nothing references it).
CREATE TABLE phases_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    phase TEXT NOT NULL CHECK (phase IN ('investigation', 'construction', 'acceleration', 'perennisation')),
    started_on TEXT NOT NULL,
    ended_on TEXT,
    decision_id INTEGER REFERENCES decisions (id),
    is_return BOOLEAN NOT NULL DEFAULT 0,
    CHECK (ended_on IS NULL OR ended_on >= started_on),
    UNIQUE (product_id, phase, started_on)
);
INSERT INTO phases_rebuilt (id, product_id, phase, started_on, ended_on, decision_id)
    SELECT id, product_id, phase, started_on, ended_on, decision_id FROM phases;
DROP INDEX phases_one_open_idx;
DROP TABLE phases;
ALTER TABLE phases_rebuilt RENAME TO phases;
-- A running product has exactly one open phase; the database enforces "at most one".
CREATE UNIQUE INDEX phases_one_open_idx ON phases (product_id) WHERE ended_on IS NULL;
