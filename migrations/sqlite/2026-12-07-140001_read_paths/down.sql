DROP INDEX spend_product_month_amount_idx;

CREATE TABLE measure_months_rowid (
    indicator_id INTEGER NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    month DATE NOT NULL,
    value_count INTEGER NOT NULL,
    value_sum REAL NOT NULL,
    last_period DATE NOT NULL,
    last_value REAL NOT NULL,
    PRIMARY KEY (indicator_id, month)
);
INSERT INTO measure_months_rowid
    SELECT indicator_id, month, value_count, value_sum, last_period, last_value FROM measure_months;
DROP TABLE measure_months;
ALTER TABLE measure_months_rowid RENAME TO measure_months;
