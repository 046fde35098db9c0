-- The certification level of a product's « matrice d'impact » (issue 21), set by
-- administrators only, with the day it was granted. Kept equivalent to
-- ../../postgres/2026-12-04-210002_matrix_certification. No row: level `none`, never set.
CREATE TABLE matrix_certifications (
    product_id INTEGER PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    level TEXT NOT NULL CHECK (level IN ('none', 'published', 'certified', 'validated')),
    certified_on TEXT NOT NULL,
    set_by INTEGER REFERENCES users (id),
    set_at TEXT NOT NULL
);
