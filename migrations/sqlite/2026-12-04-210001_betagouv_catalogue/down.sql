-- Fails if a product went back to a phase it had been in: such history cannot be kept.
CREATE TABLE phases_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    phase TEXT NOT NULL CHECK (phase IN ('investigation', 'construction', 'acceleration', 'perennisation')),
    started_on TEXT NOT NULL,
    ended_on TEXT,
    decision_id INTEGER REFERENCES decisions (id),
    CHECK (ended_on IS NULL OR ended_on >= started_on),
    UNIQUE (product_id, phase)
);
INSERT INTO phases_rebuilt (id, product_id, phase, started_on, ended_on, decision_id)
    SELECT id, product_id, phase, started_on, ended_on, decision_id FROM phases;
DROP INDEX phases_one_open_idx;
DROP TABLE phases;
ALTER TABLE phases_rebuilt RENAME TO phases;
CREATE UNIQUE INDEX phases_one_open_idx ON phases (product_id) WHERE ended_on IS NULL;
DROP INDEX product_catalogue_betagouv_id_idx;
DROP TABLE product_catalogue;
