-- The portfolio's matrix and efficiency chart read 24 months of `measure_months` for every
-- product and 37 months of `spend` (issue 23: at most twice the portfolio summary's time).
-- Measured on the bench's 250-product portfolio, the two reads took 2.0 and 2.4 ms of a
-- 15 ms answer in SQLite itself: each row was found in the index, then fetched from the table.
-- `measure_months` becomes a WITHOUT ROWID table (its rows live in its primary key's order,
-- a range of months is one contiguous read) and `spend` gets a covering index; 0.6 and 0.6 ms.
-- Kept equivalent to ../../postgres/2026-12-07-140001_read_paths.
CREATE TABLE measure_months_clustered (
    indicator_id INTEGER NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    month DATE NOT NULL,
    value_count INTEGER NOT NULL,
    value_sum REAL NOT NULL,
    last_period DATE NOT NULL,
    last_value REAL NOT NULL,
    PRIMARY KEY (indicator_id, month)
) WITHOUT ROWID;
INSERT INTO measure_months_clustered
    SELECT indicator_id, month, value_count, value_sum, last_period, last_value FROM measure_months;
DROP TABLE measure_months;
ALTER TABLE measure_months_clustered RENAME TO measure_months;

CREATE INDEX spend_product_month_amount_idx ON spend (product_id, month, amount);
