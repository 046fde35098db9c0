-- Each indicator's latest value (issue 9): the portfolio, the product list and the product pages
-- read it for every indicator at once. Looking it up in `measures` cost one index descent per
-- indicator, about 170 ms for 5 000 indicators on PostgreSQL; kept here it is one join.
-- Derived data: every write of measures keeps it in the same transaction
-- (pilote_store::repo::latest), a copy or an import rebuilds it from `measures`, and dumps leave
-- it out. Kept equivalent to ../../sqlite/2026-11-23-000008_measure_latest.
CREATE TABLE measure_latest (
    indicator_id BIGINT PRIMARY KEY REFERENCES indicators (id) ON DELETE CASCADE,
    period DATE NOT NULL,
    value DOUBLE PRECISION NOT NULL
);

INSERT INTO measure_latest (indicator_id, period, value)
SELECT m.indicator_id, m.period, m.value
FROM measures m
JOIN (SELECT indicator_id, max(period) AS period FROM measures GROUP BY indicator_id) x
  ON x.indicator_id = m.indicator_id AND x.period = m.period;
