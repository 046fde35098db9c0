-- The portfolio's matrix and efficiency chart read 37 months of `spend` for every product
-- (issue 23): a covering index lets PostgreSQL answer from the index alone. SQLite also
-- makes `measure_months` a WITHOUT ROWID table, which PostgreSQL has no equivalent of (its
-- primary key index already finds the rows; the table is small and hot).
-- Kept equivalent to ../../sqlite/2026-12-07-140001_read_paths.
CREATE INDEX spend_product_month_amount_idx ON spend (product_id, month) INCLUDE (amount);
