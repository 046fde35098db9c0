-- Imported beta.gouv.fr history (issue 7). Kept equivalent to ../../sqlite/2026-11-23-000004_betagouv_import.
-- The beta.gouv status behind a perennisation phase (consolidation, transfere, opere, ...).
ALTER TABLE products ADD COLUMN perennisation_mode TEXT;

-- Dated events of a product's life that are not phases (product_launch, committee, end, ...).
-- A committee event also became a `continue` decision: decision_id links them, so that a
-- re-import that drops the event drops its decision too.
CREATE TABLE product_events (
    id BIGSERIAL PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (char_length(name) > 0),
    happened_on DATE NOT NULL,
    comment TEXT,
    decision_id BIGINT REFERENCES decisions (id) ON DELETE SET NULL
);
CREATE INDEX product_events_product_idx ON product_events (product_id, happened_on);
