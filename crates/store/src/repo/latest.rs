//! Each indicator's latest value (`measure_latest`), kept by every write of measures in the
//! same transaction, so that lists and summaries read the whole portfolio's latest values in
//! one join whatever the number of measures (docs/benchmarks.md). Derived data: rebuilt from
//! `measures` after a copy or an import, never dumped.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::{prelude::*, query_dsl::methods::FilterDsl, upsert::excluded};

use crate::{
    connection::DbConnection, error::StoreResult, ids::IndicatorId, schema::measure_latest,
    sqlite_statements::MoveLatest, with_backend,
};

/// Takes note of values a batch created or replaced, as `(indicator, period start, value)`:
/// an indicator's latest value moves to the batch's last period when that is at or after the
/// stored one (a correction of the latest period replaces its value; one of an older period
/// changes nothing). Run it in the batch's transaction, under the product's lock.
pub fn record(
    conn: &mut DbConnection,
    written: impl IntoIterator<Item = (IndicatorId, NaiveDate, f64)>,
) -> StoreResult<()> {
    let moved = candidates(written);
    if moved.is_empty() {
        return Ok(());
    }
    // The row moves only when the batch's period is at or after the stored one: one statement
    // for the batch on PostgreSQL; on SQLite, whose diesel builds no multi-row upsert with a
    // condition (and which has no round trip to save), one statement per indicator, written
    // out so that it stays prepared (`crate::sqlite_statements`).
    match conn {
        DbConnection::Pg(pg) => {
            let rows: Vec<_> = moved
                .into_iter()
                .map(|(id, (period, value))| {
                    (
                        measure_latest::indicator_id.eq(id),
                        measure_latest::period.eq(period),
                        measure_latest::value.eq(value),
                    )
                })
                .collect();
            let upsert = diesel::insert_into(measure_latest::table)
                .values(&rows)
                .on_conflict(measure_latest::indicator_id)
                .do_update()
                .set((
                    measure_latest::period.eq(excluded(measure_latest::period)),
                    measure_latest::value.eq(excluded(measure_latest::value)),
                ));
            FilterDsl::filter(
                upsert,
                excluded(measure_latest::period).ge(measure_latest::period),
            )
            .execute(pg)?;
        }
        DbConnection::Sqlite(sqlite) => {
            for (indicator_id, (period, value)) in moved {
                MoveLatest {
                    indicator_id,
                    period,
                    value,
                }
                .execute(sqlite)?;
            }
        }
    }
    Ok(())
}

/// Each indicator's last written period and its value, by indicator id: what [`record`] moves
/// the stored latest value to, when that is at or after it.
pub(crate) fn candidates(
    written: impl IntoIterator<Item = (IndicatorId, NaiveDate, f64)>,
) -> Vec<(i64, (NaiveDate, f64))> {
    let mut candidates: HashMap<i64, (NaiveDate, f64)> = HashMap::new();
    for (indicator, period, value) in written {
        candidates
            .entry(indicator.0)
            .and_modify(|last| {
                if period > last.0 {
                    *last = (period, value);
                }
            })
            .or_insert((period, value));
    }
    // A stable order: concurrent batches of one product are serialised anyway, but rows locked
    // in the same order can never deadlock.
    let mut moved: Vec<_> = candidates.into_iter().collect();
    moved.sort_unstable_by_key(|(id, _)| *id);
    moved
}

/// Recomputes every indicator's latest value from `measures`: after rows were copied or
/// loaded around the store's write path.
pub fn rebuild(conn: &mut DbConnection) -> StoreResult<()> {
    diesel::delete(measure_latest::table).execute(conn)?;
    with_backend!(conn, |c| diesel::sql_query(
        "INSERT INTO measure_latest (indicator_id, period, value) \
         SELECT m.indicator_id, m.period, m.value FROM measures m \
         JOIN (SELECT indicator_id, max(period) AS period FROM measures GROUP BY indicator_id) x \
           ON x.indicator_id = m.indicator_id AND x.period = m.period"
    )
    .execute(c))?;
    Ok(())
}
