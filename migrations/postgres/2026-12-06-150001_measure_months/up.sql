-- Each indicator's figures per month (issue 23): how many values, their sum in chronological
-- order, the last one. The portfolio's matrix and the efficiency chart read 24 months of these
-- instead of 37 months of measures per product. Derived data: every write of measures keeps
-- it in the same transaction (pilote_store::repo::aggregates), a copy or an import rebuilds it
-- from `measures`, and dumps leave it out. The table starts empty: `run_pending` fills it from
-- the measures, in Rust, when this migration is applied (a SQL sum would not add in the same
-- order), and `pilote migrate --rebuild-aggregates` does it again on demand.
-- Kept equivalent to ../../sqlite/2026-12-06-150001_measure_months.
CREATE TABLE measure_months (
    indicator_id BIGINT NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    month DATE NOT NULL,
    value_count INTEGER NOT NULL,
    value_sum DOUBLE PRECISION NOT NULL,
    last_period DATE NOT NULL,
    last_value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (indicator_id, month)
);
