//! Each indicator's figures per month (`measure_months`: how many values, their sum in
//! chronological order, the last one), kept by every write of measures in the same
//! transaction, so that the portfolio's matrix and the efficiency chart read 24 months of
//! figures per indicator whatever the length of the history (issue 23, docs/benchmarks.md).
//! Derived data: rebuilt from `measures` when its migration is applied, after a copy or an
//! import, and by `pilote migrate --rebuild-aggregates`; never dumped.
//!
//! A month's figures are recomputed from its stored values rather than adjusted: a correction
//! changes a value in place, and a sum adjusted by differences would drift from the one the
//! domain computes from the values (`pilote_domain::monthly_figures`), bit for bit.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Months, NaiveDate};
use diesel::{prelude::*, upsert::excluded};
use pilote_domain::{MonthFigures, Period, Periodicity, monthly_figures_of};

use crate::{
    connection::DbConnection,
    error::{StoreResult, corrupt},
    ids::IndicatorId,
    repo::matrix_versions,
    schema::{measure_months, measures},
};

/// How many indicators a rebuild reads at once (10 years of weekly values: 52 000 rows).
const REBUILD_CHUNK: usize = 100;

/// Rows per multi-row statement: 6 values each, far below both backends' limits.
const ROWS_PER_STATEMENT: usize = 1000;

#[derive(Insertable)]
#[diesel(table_name = measure_months, treat_none_as_default_value = false)]
struct MonthRow {
    indicator_id: i64,
    month: NaiveDate,
    value_count: i32,
    value_sum: f64,
    last_period: NaiveDate,
    last_value: f64,
}

/// Brings the months of values a batch created or replaced, as `(indicator, period start,
/// value)`, up to date. `values` holds, per indicator, every value of those months as the
/// batch leaves them (stored and posted: the write path read them before writing, see
/// `repo::measures`), so that nothing is read again. Run it in the batch's transaction, under
/// the product's lock.
pub fn refresh(
    conn: &mut DbConnection,
    written: &[(IndicatorId, NaiveDate, f64)],
    values: &HashMap<IndicatorId, BTreeMap<NaiveDate, f64>>,
) -> StoreResult<()> {
    let (figures, indicators) = figures_of(written, values);
    if indicators.is_empty() {
        return Ok(());
    }
    store(conn, figures)?;
    // The products' cached matrices are computed from these figures and values.
    matrix_versions::bump_for_indicators(conn, &indicators)
}

/// The figures of the months [`refresh`] writes, by indicator id and month, and the
/// indicators whose products' matrix versions it moves.
pub(crate) fn figures_of(
    written: &[(IndicatorId, NaiveDate, f64)],
    values: &HashMap<IndicatorId, BTreeMap<NaiveDate, f64>>,
) -> (BTreeMap<(i64, NaiveDate), MonthFigures>, BTreeSet<i64>) {
    let months: BTreeSet<(IndicatorId, NaiveDate)> = written
        .iter()
        .map(|&(indicator, start, _)| (indicator, month_of(start)))
        .collect();
    let mut figures = BTreeMap::new();
    for &(indicator, month) in &months {
        let next = month
            .checked_add_months(Months::new(1))
            .unwrap_or(NaiveDate::MAX);
        let of_month = values
            .get(&indicator)
            .into_iter()
            .flat_map(|series| series.range(month..next))
            .map(|(&start, &value)| (start, value));
        if let Some(f) = monthly_figures_of(of_month).remove(&month) {
            figures.insert((indicator.0, month), f);
        }
    }
    let indicators = months.iter().map(|(indicator, _)| indicator.0).collect();
    (figures, indicators)
}

/// Recomputes every indicator's monthly figures from `measures`: after rows were copied or
/// loaded around the store's write path, or when the table is new.
pub fn rebuild(conn: &mut DbConnection) -> StoreResult<()> {
    diesel::delete(measure_months::table).execute(conn)?;
    let ids: Vec<i64> = measures::table
        .select(measures::indicator_id)
        .distinct()
        .order(measures::indicator_id)
        .load(conn)?;
    for chunk in ids.chunks(REBUILD_CHUNK) {
        let figures = figures_all(conn, chunk)?;
        store(conn, figures)?;
    }
    matrix_versions::bump_all(conn)
}

/// The stored figures of `indicators` for the months from `first` to `last` (1sts of the
/// month), by indicator.
pub fn between(
    conn: &mut DbConnection,
    indicators: &[IndicatorId],
    (first, last): (NaiveDate, NaiveDate),
) -> StoreResult<BTreeMap<IndicatorId, BTreeMap<NaiveDate, MonthFigures>>> {
    let ids: Vec<i64> = indicators.iter().map(|i| i.0).collect();
    let mut out: BTreeMap<IndicatorId, BTreeMap<NaiveDate, MonthFigures>> = BTreeMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<(i64, NaiveDate, i32, f64, NaiveDate, f64)> = measure_months::table
        .filter(measure_months::indicator_id.eq_any(&ids))
        .filter(measure_months::month.ge(first))
        .filter(measure_months::month.le(last))
        .select((
            measure_months::indicator_id,
            measure_months::month,
            measure_months::value_count,
            measure_months::value_sum,
            measure_months::last_period,
            measure_months::last_value,
        ))
        .load(conn)?;
    for (indicator, month, count, sum, last_period, last) in rows {
        let count = u32::try_from(count).map_err(|e| corrupt("measure_months", indicator, e))?;
        out.entry(IndicatorId(indicator)).or_default().insert(
            month,
            MonthFigures {
                count,
                sum,
                last_period,
                last,
            },
        );
    }
    Ok(out)
}

fn month_of(date: NaiveDate) -> NaiveDate {
    Period::containing(Periodicity::Month, date).start()
}

/// Every month's figures of `indicators`, computed from all their values: one statement for
/// the chunk (a rebuild).
fn figures_all(
    conn: &mut DbConnection,
    indicators: &[i64],
) -> StoreResult<BTreeMap<(i64, NaiveDate), MonthFigures>> {
    let rows: Vec<(i64, NaiveDate, f64)> = measures::table
        .filter(measures::indicator_id.eq_any(indicators))
        .select((measures::indicator_id, measures::period, measures::value))
        .load(conn)?;
    let mut by_indicator: BTreeMap<i64, Vec<(NaiveDate, f64)>> = BTreeMap::new();
    for (indicator, period, value) in rows {
        by_indicator
            .entry(indicator)
            .or_default()
            .push((period, value));
    }
    let mut out = BTreeMap::new();
    for (indicator, values) in by_indicator {
        figures_into(&mut out, indicator, values);
    }
    Ok(out)
}

/// Adds one indicator's months, computed from its values, to `out`.
fn figures_into(
    out: &mut BTreeMap<(i64, NaiveDate), MonthFigures>,
    indicator: i64,
    values: Vec<(NaiveDate, f64)>,
) {
    out.extend(
        monthly_figures_of(values)
            .into_iter()
            .map(|(month, figures)| ((indicator, month), figures)),
    );
}

/// Writes months' figures over the stored ones.
fn store(
    conn: &mut DbConnection,
    figures: BTreeMap<(i64, NaiveDate), MonthFigures>,
) -> StoreResult<()> {
    let rows: Vec<MonthRow> = figures
        .into_iter()
        .map(|((indicator_id, month), f)| MonthRow {
            indicator_id,
            month,
            value_count: i32::try_from(f.count).unwrap_or(i32::MAX),
            value_sum: f.sum,
            last_period: f.last_period,
            last_value: f.last,
        })
        .collect();
    match conn {
        DbConnection::Pg(pg) => {
            for chunk in rows.chunks(ROWS_PER_STATEMENT) {
                diesel::insert_into(measure_months::table)
                    .values(chunk)
                    .on_conflict((measure_months::indicator_id, measure_months::month))
                    .do_update()
                    .set((
                        measure_months::value_count.eq(excluded(measure_months::value_count)),
                        measure_months::value_sum.eq(excluded(measure_months::value_sum)),
                        measure_months::last_period.eq(excluded(measure_months::last_period)),
                        measure_months::last_value.eq(excluded(measure_months::last_value)),
                    ))
                    .execute(pg)?;
            }
        }
        // In process, one prepared single-row statement per month costs no round trip.
        DbConnection::Sqlite(sqlite) => {
            for row in &rows {
                diesel::replace_into(measure_months::table)
                    .values(row)
                    .execute(sqlite)?;
            }
        }
    }
    Ok(())
}
