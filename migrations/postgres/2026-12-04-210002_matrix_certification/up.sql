-- The certification level of a product's « matrice d'impact » (issue 21), set by
-- administrators only, with the day it was granted. Kept equivalent to
-- ../../sqlite/2026-12-04-210002_matrix_certification. No row: level `none`, never set.
CREATE TABLE matrix_certifications (
    product_id BIGINT PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    level TEXT NOT NULL CHECK (level IN ('none', 'published', 'certified', 'validated')),
    certified_on DATE NOT NULL,
    set_by BIGINT REFERENCES users (id),
    set_at TIMESTAMP NOT NULL
);
