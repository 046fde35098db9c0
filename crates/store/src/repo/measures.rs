//! Measures: the numbers teams post, and every value they replaced.
//!
//! A batch is all or nothing (the caller's transaction). Posting a period that already has a
//! value replaces it and copies the old version into `measure_history` in the same
//! transaction; posting the same value again changes nothing.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use pilote_domain::{
    Change, DateRange, DomainError, MeasureSource, MeasureValue, Period, Periodicity,
    classify_change,
};

use crate::{
    clock,
    connection::DbConnection,
    error::{StoreError, StoreResult, corrupt},
    ids::{Actor, IndicatorId, MeasureId, ProductId},
    repo::{audit, products},
    schema::{indicators, measure_history, measures},
    with_backend,
};

/// Rows per multi-row INSERT: 9 bound values each stays far below SQLite's 32 766 limit.
const CHUNK: usize = 1_000;

/// One value to post.
#[derive(Clone, Debug, PartialEq)]
pub struct MeasureInput {
    pub indicator: IndicatorId,
    pub period: Period,
    pub value: MeasureValue,
    /// Already normalised (`pilote_domain::normalize_comment`).
    pub comment: Option<String>,
}

/// What a batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpsertCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// A stored value with who posted it and when.
#[derive(Clone, Debug, PartialEq)]
pub struct MeasureVersion {
    pub period: NaiveDate,
    pub value: f64,
    pub comment: Option<String>,
    pub source: MeasureSource,
    pub author: Actor,
    pub recorded_at: NaiveDateTime,
    /// When a later post replaced this version; `None` for the current one.
    pub replaced_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = measures)]
struct MeasureRow {
    id: i64,
    indicator_id: i64,
    period: NaiveDate,
    value: f64,
    comment: Option<String>,
    source: String,
    author_user_id: Option<i64>,
    author_token_id: Option<i64>,
    recorded_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = measures, treat_none_as_default_value = false)]
struct NewMeasureRow<'a> {
    indicator_id: i64,
    period: NaiveDate,
    value: f64,
    comment: Option<&'a str>,
    source: &'static str,
    author_user_id: Option<i64>,
    author_token_id: Option<i64>,
    recorded_at: NaiveDateTime,
}

/// A replaced version, as read back.
#[derive(Queryable, Selectable)]
#[diesel(table_name = measure_history)]
struct ReplacedRow {
    value: f64,
    comment: Option<String>,
    source: String,
    author_user_id: Option<i64>,
    author_token_id: Option<i64>,
    recorded_at: NaiveDateTime,
    replaced_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = measure_history, treat_none_as_default_value = false)]
struct HistoryRow {
    measure_id: i64,
    value: f64,
    comment: Option<String>,
    source: String,
    author_user_id: Option<i64>,
    author_token_id: Option<i64>,
    recorded_at: NaiveDateTime,
    replaced_at: NaiveDateTime,
}

/// Posts a batch of values for one product's indicators, all or nothing.
///
/// Refused (nothing written): an indicator of another product, a period of the wrong
/// periodicity or in the future (after `today`), the same indicator and period twice.
/// Field paths in errors are `measures[i]...`, in the order of `inputs`.
pub fn upsert(
    conn: &mut DbConnection,
    product: ProductId,
    inputs: &[MeasureInput],
    source: MeasureSource,
    actor: Actor,
    today: NaiveDate,
) -> StoreResult<UpsertCounts> {
    crate::transaction::lock_product(conn, product)?;
    let periodicities = periodicities(conn, product)?;
    let mut seen = HashMap::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let Some(&periodicity) = periodicities.get(&input.indicator) else {
            return Err(DomainError::invalid(
                format!("measures[{i}].indicator"),
                "is not an indicator of this product",
            )
            .into());
        };
        if input.period.periodicity() != periodicity {
            return Err(DomainError::invalid(
                format!("measures[{i}].period"),
                format!("the indicator is reported by {periodicity}"),
            )
            .into());
        }
        input.period.ensure_not_future(today).map_err(|_| {
            DomainError::invalid(format!("measures[{i}].period"), "is in the future")
        })?;
        if let Some(first) = seen.insert((input.indicator, input.period.start()), i) {
            return Err(DomainError::invalid(
                format!("measures[{i}]"),
                format!("same indicator and period as measures[{first}]"),
            )
            .into());
        }
    }

    let existing = load_existing(conn, inputs)?;
    let now = clock::now();
    let mut counts = UpsertCounts::default();
    let mut new_rows = Vec::new();
    let mut history = Vec::new();
    let mut replaced = Vec::new();
    for input in inputs {
        let old = existing.get(&(input.indicator.0, input.period.start()));
        let change = classify_change(
            old.map(|row| (row.value, row.comment.as_deref())),
            input.value,
            input.comment.as_deref(),
        );
        match (change, old) {
            (Change::Unchanged, _) => counts.unchanged += 1,
            (Change::Created, _) | (Change::Updated, None) => {
                counts.created += 1;
                new_rows.push(NewMeasureRow {
                    indicator_id: input.indicator.0,
                    period: input.period.start(),
                    value: input.value.get(),
                    comment: input.comment.as_deref(),
                    source: source.as_str(),
                    author_user_id: actor.user_id(),
                    author_token_id: actor.token_id(),
                    recorded_at: now,
                });
            }
            (Change::Updated, Some(row)) => {
                counts.updated += 1;
                history.push(HistoryRow {
                    measure_id: row.id,
                    value: row.value,
                    comment: row.comment.clone(),
                    source: row.source.clone(),
                    author_user_id: row.author_user_id,
                    author_token_id: row.author_token_id,
                    recorded_at: row.recorded_at,
                    replaced_at: now,
                });
                replaced.push((MeasureId(row.id), input));
            }
        }
    }

    for chunk in new_rows.chunks(CHUNK) {
        with_backend!(conn, |c| diesel::insert_into(measures::table)
            .values(chunk)
            .execute(c))?;
    }
    for chunk in history.chunks(CHUNK) {
        with_backend!(conn, |c| diesel::insert_into(measure_history::table)
            .values(chunk)
            .execute(c))?;
    }
    for (id, input) in &replaced {
        diesel::update(measures::table.find(id.0))
            .set((
                measures::value.eq(input.value.get()),
                measures::comment.eq(input.comment.as_deref()),
                measures::source.eq(source.as_str()),
                measures::author_user_id.eq(actor.user_id()),
                measures::author_token_id.eq(actor.token_id()),
                measures::recorded_at.eq(now),
            ))
            .execute(conn)?;
    }

    if counts.created + counts.updated > 0 {
        let slug = products::get(conn, product)?.slug;
        let replaced: Vec<_> = history
            .iter()
            .zip(&replaced)
            .map(|(old, (_, new))| {
                serde_json::json!({
                    "indicator_id": new.indicator.0,
                    "period": new.period.start(),
                    "old": old.value,
                    "new": new.value.get(),
                })
            })
            .collect();
        audit::append(
            conn,
            audit::NewEntry {
                actor,
                action: "measures.post",
                entity: "product",
                entity_key: slug.to_string(),
                before: None,
                after: Some(
                    serde_json::json!({
                        "source": source.as_str(),
                        "created": counts.created,
                        "updated": counts.updated,
                        "unchanged": counts.unchanged,
                        "replaced": replaced,
                    })
                    .to_string(),
                ),
            },
        )?;
    }
    Ok(counts)
}

fn periodicities(
    conn: &mut DbConnection,
    product: ProductId,
) -> StoreResult<HashMap<IndicatorId, Periodicity>> {
    indicators::table
        .filter(indicators::product_id.eq(product.0))
        .select((indicators::id, indicators::periodicity))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, p)| {
            let p = Periodicity::parse(&p).map_err(|e| corrupt("indicators", id, e))?;
            Ok((IndicatorId(id), p))
        })
        .collect()
}

/// The stored rows the batch touches, one range query per indicator.
fn load_existing(
    conn: &mut DbConnection,
    inputs: &[MeasureInput],
) -> StoreResult<HashMap<(i64, NaiveDate), MeasureRow>> {
    let mut ranges: HashMap<IndicatorId, (NaiveDate, NaiveDate)> = HashMap::new();
    for input in inputs {
        let start = input.period.start();
        ranges
            .entry(input.indicator)
            .and_modify(|(lo, hi)| {
                *lo = (*lo).min(start);
                *hi = (*hi).max(start);
            })
            .or_insert((start, start));
    }
    let wanted: HashSet<(i64, NaiveDate)> = inputs
        .iter()
        .map(|i| (i.indicator.0, i.period.start()))
        .collect();
    let mut existing = HashMap::new();
    for (indicator, (from, to)) in ranges {
        let rows: Vec<MeasureRow> = measures::table
            .filter(measures::indicator_id.eq(indicator.0))
            .filter(measures::period.between(from, to))
            .select(MeasureRow::as_select())
            .load(conn)?;
        for row in rows {
            let key = (row.indicator_id, row.period);
            if wanted.contains(&key) {
                existing.insert(key, row);
            }
        }
    }
    Ok(existing)
}

/// An indicator's current values, oldest period first, within `range` if given.
pub fn series(
    conn: &mut DbConnection,
    indicator: IndicatorId,
    range: Option<&DateRange>,
) -> StoreResult<Vec<MeasureVersion>> {
    let mut query = measures::table
        .filter(measures::indicator_id.eq(indicator.0))
        .order(measures::period)
        .select(MeasureRow::as_select())
        .into_boxed();
    if let Some(range) = range {
        query = query.filter(measures::period.between(range.from(), range.to()));
    }
    query
        .load(conn)?
        .into_iter()
        .map(|row| version(row, None))
        .collect()
}

/// Every version of one period's value, the current one first, then what it replaced.
pub fn history(
    conn: &mut DbConnection,
    indicator: IndicatorId,
    period: Period,
) -> StoreResult<Vec<MeasureVersion>> {
    let current: Option<MeasureRow> = measures::table
        .filter(measures::indicator_id.eq(indicator.0))
        .filter(measures::period.eq(period.start()))
        .select(MeasureRow::as_select())
        .first(conn)
        .optional()?;
    let Some(current) = current else {
        return Ok(Vec::new());
    };
    let old: Vec<ReplacedRow> = measure_history::table
        .filter(measure_history::measure_id.eq(current.id))
        .order((
            measure_history::replaced_at.desc(),
            measure_history::id.desc(),
        ))
        .select(ReplacedRow::as_select())
        .load(conn)?;
    let period_start = current.period;
    let mut versions = vec![version(current, None)?];
    for row in old {
        versions.push(MeasureVersion {
            period: period_start,
            value: row.value,
            source: MeasureSource::parse(&row.source)
                .map_err(|e| corrupt("measure_history", period_start, e))?,
            comment: row.comment,
            author: Actor::from_columns(row.author_user_id, row.author_token_id),
            recorded_at: row.recorded_at,
            replaced_at: Some(row.replaced_at),
        });
    }
    Ok(versions)
}

/// The latest period with a value, and that value.
pub fn latest(
    conn: &mut DbConnection,
    indicator: IndicatorId,
) -> StoreResult<Option<(NaiveDate, f64)>> {
    measures::table
        .filter(measures::indicator_id.eq(indicator.0))
        .order(measures::period.desc())
        .select((measures::period, measures::value))
        .first(conn)
        .optional()
        .map_err(StoreError::from)
}

fn version(row: MeasureRow, replaced_at: Option<NaiveDateTime>) -> StoreResult<MeasureVersion> {
    Ok(MeasureVersion {
        period: row.period,
        value: row.value,
        source: MeasureSource::parse(&row.source).map_err(|e| corrupt("measures", row.id, e))?,
        comment: row.comment,
        author: Actor::from_columns(row.author_user_id, row.author_token_id),
        recorded_at: row.recorded_at,
        replaced_at,
    })
}
