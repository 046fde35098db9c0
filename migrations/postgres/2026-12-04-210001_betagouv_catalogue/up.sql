-- What the beta.gouv.fr catalogue says of an imported product (issue 21). Kept equivalent to
-- ../../sqlite/2026-12-04-210001_betagouv_catalogue. A table of its own rather than columns
-- of `products`: diesel is built without its 32-column tables, and `products` has 15.
-- `betagouv_id` is the catalogue's own id, as written (`données-et-territoires`), which
-- re-imports and `pilote sync` match on; `outcome` is how a finished product ended.
CREATE TABLE product_catalogue (
    product_id BIGINT PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    betagouv_id TEXT NOT NULL CHECK (char_length(betagouv_id) > 0),
    outcome TEXT CHECK (outcome IN ('consolidation', 'opere', 'transfere', 'abandon')),
    -- The catalogue's description and phases as last imported or synced (JSON): the base of
    -- `pilote sync betagouv`'s three-way comparison, so that it never overwrites what was
    -- entered in Pilote since.
    synced TEXT
);
CREATE UNIQUE INDEX product_catalogue_betagouv_id_idx ON product_catalogue (betagouv_id);

-- A phase record that began with a return to an earlier phase (construction → investigation),
-- as the catalogue recorded it; never the result of a decision. A product may then be in the
-- same phase twice: one record per phase and start day.
ALTER TABLE phases ADD COLUMN is_return BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE phases DROP CONSTRAINT phases_product_id_phase_key;
ALTER TABLE phases ADD CONSTRAINT phases_product_id_phase_started_on_key
    UNIQUE (product_id, phase, started_on);
