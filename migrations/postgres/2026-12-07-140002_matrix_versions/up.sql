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
-- Kept equivalent to ../../sqlite/2026-12-07-140002_matrix_versions.
CREATE TABLE matrix_versions (
    product_id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);

CREATE FUNCTION matrix_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO matrix_versions (product_id, version) VALUES (NEW.product_id, 1)
            ON CONFLICT (product_id) DO UPDATE SET version = matrix_versions.version + 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO matrix_versions (product_id, version) VALUES (OLD.product_id, 1)
            ON CONFLICT (product_id) DO UPDATE SET version = matrix_versions.version + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER matrix_versions_indicators AFTER INSERT OR UPDATE OR DELETE ON indicators
    FOR EACH ROW EXECUTE FUNCTION matrix_versions_bump();
CREATE TRIGGER matrix_versions_spend AFTER INSERT OR UPDATE OR DELETE ON spend
    FOR EACH ROW EXECUTE FUNCTION matrix_versions_bump();
