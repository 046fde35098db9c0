-- Each product's matrix version: a counter that moves whenever something its « matrice
-- d'impact » is computed from changes — its measures (the store's write path moves it with
-- the monthly figures, `repo::aggregates::refresh`), its indicators or its spend (the
-- triggers below). The servers keep each product's computed matrix and recompute only the
-- products whose version moved (issue 23: the portfolio's matrix at most twice the summary's
-- time). One row per product, written under the product's own write lock: writers to
-- different products never wait on each other, as they would on a single counter.
-- Derived data: no foreign key (a product's removal cascades to its indicators, whose trigger
-- writes here), never dumped; a missing row is version 0. Versions only grow, so a removed
-- and recreated row cannot bring an old cached matrix back.
-- Kept equivalent to ../../postgres/2026-12-07-140002_matrix_versions.
CREATE TABLE matrix_versions (
    product_id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL
);

CREATE TRIGGER matrix_versions_indicators_insert AFTER INSERT ON indicators
BEGIN
    INSERT INTO matrix_versions (product_id, version) VALUES (NEW.product_id, 1)
        ON CONFLICT (product_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER matrix_versions_indicators_update AFTER UPDATE ON indicators
BEGIN
    INSERT INTO matrix_versions (product_id, version) VALUES (NEW.product_id, 1)
        ON CONFLICT (product_id) DO UPDATE SET version = version + 1;
    INSERT INTO matrix_versions (product_id, version) VALUES (OLD.product_id, 1)
        ON CONFLICT (product_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER matrix_versions_indicators_delete AFTER DELETE ON indicators
BEGIN
    INSERT INTO matrix_versions (product_id, version) VALUES (OLD.product_id, 1)
        ON CONFLICT (product_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER matrix_versions_spend_insert AFTER INSERT ON spend
BEGIN
    INSERT INTO matrix_versions (product_id, version) VALUES (NEW.product_id, 1)
        ON CONFLICT (product_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER matrix_versions_spend_update AFTER UPDATE ON spend
BEGIN
    INSERT INTO matrix_versions (product_id, version) VALUES (NEW.product_id, 1)
        ON CONFLICT (product_id) DO UPDATE SET version = version + 1;
    INSERT INTO matrix_versions (product_id, version) VALUES (OLD.product_id, 1)
        ON CONFLICT (product_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER matrix_versions_spend_delete AFTER DELETE ON spend
BEGIN
    INSERT INTO matrix_versions (product_id, version) VALUES (OLD.product_id, 1)
        ON CONFLICT (product_id) DO UPDATE SET version = version + 1;
END;
