//! Measures: the numbers teams post, and every value they replaced.
//!
//! A batch is all or nothing (the caller's transaction). Posting a period that already has a
//! value replaces it and copies the old version into `measure_history` in the same
//! transaction; posting the same value again changes nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use pilote_domain::{
    Change, DateRange, DomainError, MeasureSource, Period, Periodicity, Slug, Suspicion,
    classify_change, suspicion, window_start,
};

use crate::{
    bind::{BulkDate, BulkStamp},
    clock,
    connection::DbConnection,
    error::{NotFoundExt, StoreError, StoreResult, corrupt},
    ids::{Actor, IndicatorId, MeasureId, ProductId},
    pg_statements::{
        AuditRow, CreatedArrays, HistoryArrays, LatestArrays, LockSlug, MonthArrays, PostWrites,
        ReplacedArrays,
    },
    repo::{audit, latest},
    schema::{indicators, measure_history, measures},
    sqlite_statements::ReplaceMeasure,
};

/// Inserts rows on SQLite in multi-row statements of fixed sizes (1 000, 100, 10, 1 rows),
/// which diesel prepares once per connection and keeps: a statement as long as the slice is
/// parsed anew every time, a fifth of a bulk insert's CPU. 1 000 rows of 9 values stay far
/// below SQLite's 32 766 bound values.
macro_rules! insert_fixed_chunks {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let mut rest = $rows;
        while !rest.is_empty() {
            rest = if let Some((chunk, tail)) = rest.split_first_chunk::<1000>() {
                diesel::insert_into($table).values(chunk).execute($conn)?;
                tail
            } else if let Some((chunk, tail)) = rest.split_first_chunk::<100>() {
                diesel::insert_into($table).values(chunk).execute($conn)?;
                tail
            } else if let Some((chunk, tail)) = rest.split_first_chunk::<10>() {
                diesel::insert_into($table).values(chunk).execute($conn)?;
                tail
            } else if let Some((chunk, tail)) = rest.split_first_chunk::<1>() {
                diesel::insert_into($table).values(chunk).execute($conn)?;
                tail
            } else {
                break;
            };
        }
    }};
}

/// Up to this many rows, PostgreSQL inserts by `INSERT` rather than `COPY` ([`write_rows`]).
const SMALL_BATCH: usize = 16;

/// One value to post: a row checked by `pilote_domain::check_batch`, for a stored indicator.
pub type MeasureInput = pilote_domain::MeasureInput<IndicatorId>;

/// A batch the domain checked ([`pilote_domain::check_batch`] from rows as sent,
/// [`Target::check`] for values a program built): the only kind [`post_to`] takes.
pub type CheckedBatch = pilote_domain::CheckedBatch<IndicatorId>;

/// What a batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpsertCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// A value the batch stored but flagged as suspect (`pilote_domain::suspicion`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SuspectValue {
    /// Its position in the batch's inputs.
    pub index: usize,
    /// Why it is suspect.
    pub suspicion: Suspicion,
}

/// What a batch did, and which of its new values are suspect.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Posted {
    pub counts: UpsertCounts,
    /// Created or replaced values flagged as suspect, in batch order.
    pub suspects: Vec<SuspectValue>,
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
    /// Flagged as far from its recent series, until a member clears it.
    pub suspect: bool,
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
    suspect: bool,
}

#[derive(Insertable)]
#[diesel(table_name = measures, treat_none_as_default_value = false)]
struct NewMeasureRow {
    indicator_id: i64,
    period: BulkDate,
    value: f64,
    comment: Option<String>,
    source: &'static str,
    author_user_id: Option<i64>,
    author_token_id: Option<i64>,
    recorded_at: BulkStamp,
    suspect: bool,
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
    suspect: bool,
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
    suspect: bool,
}

/// Posts a batch, as [`post`] does, and says only what it did.
pub fn upsert(
    conn: &mut DbConnection,
    product: ProductId,
    inputs: &[MeasureInput],
    source: MeasureSource,
    actor: Actor,
    today: NaiveDate,
) -> StoreResult<UpsertCounts> {
    post(conn, product, inputs, source, actor, today).map(|posted| posted.counts)
}

/// The product a batch is posted to, locked for the caller's transaction, with its
/// indicators: what [`post_to`] checks the batch against and names in the audit log. Only
/// [`Target::lock`] makes one, so a batch is always checked against indicators read under the
/// product's lock.
#[derive(Clone, Debug)]
pub struct Target {
    slug: String,
    indicators: HashMap<IndicatorId, (String, Periodicity)>,
}

impl Target {
    /// Locks the product ([`crate::transaction::lock_product`]) and reads its slug and
    /// indicators: two statements, the lock reading the slug.
    pub fn lock(conn: &mut DbConnection, product: ProductId) -> StoreResult<Self> {
        let slug = crate::transaction::lock_product_slug(conn, product)?;
        let indicators = Self::indicators(conn, product)?;
        Ok(Self { slug, indicators })
    }

    /// The product a slug names, locked ([`crate::transaction::lock_product_by_slug`]), with
    /// the slugs of the incubators running it (its own first, then its co-incubators by rank:
    /// for permission checks) and its indicators, so that a post finds, checks and locks its
    /// product inside its one write transaction. On PostgreSQL one statement, one round trip
    /// instead of three, which also reads the authorisation version; on SQLite, in process,
    /// three prepared ones. NotFound ("product") for an unknown slug.
    pub fn lock_slug(conn: &mut DbConnection, slug: &str) -> StoreResult<LockedSlug> {
        match conn {
            DbConnection::Pg(pg) => lock_slug_pg(pg, slug),
            DbConnection::Sqlite(_) => {
                let (product, own) = crate::transaction::lock_product_by_slug(conn, slug)?;
                let own = Slug::parse(&own).map_err(|e| corrupt("incubators", &own, e))?;
                let incubators = crate::repo::sheets::running(conn, product, own)?;
                let indicators = Self::indicators(conn, product)?;
                Ok(LockedSlug {
                    product,
                    incubators,
                    target: Self {
                        slug: slug.to_owned(),
                        indicators,
                    },
                    auth_version: None,
                })
            }
        }
    }

    fn indicators(
        conn: &mut DbConnection,
        product: ProductId,
    ) -> StoreResult<HashMap<IndicatorId, (String, Periodicity)>> {
        indicators::table
            .filter(indicators::product_id.eq(product.0))
            .select((indicators::id, indicators::key, indicators::periodicity))
            .load::<(i64, String, String)>(conn)?
            .into_iter()
            .map(|(id, key, p)| {
                let p = Periodicity::parse(&p).map_err(|e| corrupt("indicators", id, e))?;
                Ok((IndicatorId(id), (key, p)))
            })
            .collect()
    }

    /// The product's indicators' periodicities, by id.
    pub fn periodicities(&self) -> HashMap<IndicatorId, Periodicity> {
        self.indicators
            .iter()
            .map(|(&id, (_, periodicity))| (id, *periodicity))
            .collect()
    }

    /// Checks values a program built (the demo, an import of history, the benchmarks)
    /// against this product's indicators, with the domain's rules
    /// ([`pilote_domain::CheckedBatch::check`]); the first problem refuses them all.
    pub fn check(&self, inputs: &[MeasureInput], today: NaiveDate) -> StoreResult<CheckedBatch> {
        CheckedBatch::check(inputs.to_vec(), &self.periodicities(), today).map_err(|problems| {
            let (field, problem) = problems
                .into_iter()
                .next()
                .unwrap_or_else(|| ("measures".to_owned(), pilote_domain::Problem::Empty));
            DomainError::invalid(field, problem).into()
        })
    }

    /// The product's indicators by key, with their periodicity.
    pub fn by_key(&self) -> HashMap<String, (IndicatorId, Periodicity)> {
        self.indicators
            .iter()
            .map(|(&id, (key, periodicity))| (key.clone(), (id, *periodicity)))
            .collect()
    }
}

/// A product found by its slug and locked ([`Target::lock_slug`]).
#[derive(Debug)]
pub struct LockedSlug {
    pub product: ProductId,
    /// The incubators running it: its own first, then its co-incubators by rank.
    pub incubators: Vec<Slug>,
    pub target: Target,
    /// The authorisation version ([`crate::repo::auth_version`]) as the lock read it, on
    /// PostgreSQL, where it rides on the same statement; `None` on SQLite, where reading it
    /// costs the one writer's time and only a caller that needs it should.
    pub auth_version: Option<i64>,
}

/// [`Target::lock_slug`] on PostgreSQL: the product's row locked (`FOR UPDATE OF p`, not its
/// incubator's, which every product of the incubator shares), its incubators, its indicators
/// and the authorisation version, in one statement.
fn lock_slug_pg(pg: &mut diesel::PgConnection, slug: &str) -> StoreResult<LockedSlug> {
    let (id, incubators, ids, keys, periodicities, auth_version) = LockSlug { slug }
        .get_result::<(i64, Vec<String>, Vec<i64>, Vec<String>, Vec<String>, i64)>(pg)
        .not_found("product")?;
    let indicators = ids
        .into_iter()
        .zip(keys)
        .zip(periodicities)
        .map(|((id, key), periodicity): ((i64, String), String)| {
            let periodicity =
                Periodicity::parse(&periodicity).map_err(|e| corrupt("indicators", id, e))?;
            Ok((IndicatorId(id), (key, periodicity)))
        })
        .collect::<StoreResult<_>>()?;
    let incubators = incubators
        .iter()
        .map(|s| Slug::parse(s).map_err(|e| corrupt("incubators", s, e)))
        .collect::<StoreResult<_>>()?;
    Ok(LockedSlug {
        product: ProductId(id),
        incubators,
        target: Target {
            slug: slug.to_owned(),
            indicators,
        },
        auth_version: Some(auth_version),
    })
}

/// Posts a batch of values for one product's indicators, all or nothing: [`post_to`] the
/// product, locked.
pub fn post(
    conn: &mut DbConnection,
    product: ProductId,
    inputs: &[MeasureInput],
    source: MeasureSource,
    actor: Actor,
    today: NaiveDate,
) -> StoreResult<Posted> {
    let target = Target::lock(conn, product)?;
    let batch = target.check(inputs, today)?;
    post_to(conn, &target, &batch, source, actor)
}

/// Posts a batch of values for the target's indicators, all or nothing. Only a batch the
/// domain checked comes in ([`CheckedBatch`]: known indicators, periods of their
/// periodicity and not in the future, no indicator and period twice); against the target, the
/// store checks only that the batch was checked for this product.
///
/// A created or replaced value far from its recent series is stored flagged as suspect and
/// reported in [`Posted::suspects`]; it is judged against the series as the batch leaves it
/// (stored values and the batch's own earlier periods). An unchanged value keeps its flag.
/// Imported and demo values are not judged: they are history loaded in bulk.
pub fn post_to(
    conn: &mut DbConnection,
    target: &Target,
    batch: &CheckedBatch,
    source: MeasureSource,
    actor: Actor,
) -> StoreResult<Posted> {
    let inputs: &[MeasureInput] = batch;
    // A batch checked against another product's indicators is the caller's mistake: refused
    // like a foreign indicator, before anything is written.
    if let Some(i) = inputs
        .iter()
        .position(|input| !target.indicators.contains_key(&input.indicator))
    {
        return Err(DomainError::rule(
            format!("measures[{i}].indicator"),
            "is not an indicator of this product",
            "Cet indicateur n'existe pas pour ce produit.",
        )
        .into());
    }

    // History loaded in bulk (an import, the demo's synthetic years) is not a team's fresh
    // post: seasons and launches would flag hundreds of values nobody typed.
    let judged = !matches!(source, MeasureSource::Import | MeasureSource::Demo);
    let (existing, series) = load_existing(conn, inputs, judged)?;
    let now = clock::now();
    let stamp = BulkStamp::new(now);
    let mut counts = UpsertCounts::default();
    let mut suspects = Vec::new();
    let mut new_rows = Vec::new();
    let mut history = Vec::new();
    let mut replaced = Vec::new();
    let mut written = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        let old = existing.get(&(input.indicator.0, input.period.start()));
        let change = classify_change(
            old.map(|row| (row.value, row.comment.as_deref())),
            input.value,
            input.comment.as_deref(),
        );
        let flag = match change {
            Change::Unchanged => None,
            Change::Created | Change::Updated if judged => judge(&series, input),
            Change::Created | Change::Updated => None,
        };
        if let Some(suspicion) = flag {
            suspects.push(SuspectValue { index, suspicion });
        }
        if change != Change::Unchanged {
            written.push((input.indicator, input.period.start(), input.value.get()));
        }
        match (change, old) {
            (Change::Unchanged, _) => counts.unchanged += 1,
            (Change::Created, _) | (Change::Updated, None) => {
                counts.created += 1;
                new_rows.push(NewMeasureRow {
                    indicator_id: input.indicator.0,
                    period: BulkDate(input.period.start()),
                    value: input.value.get(),
                    comment: input.comment.clone(),
                    source: source.as_str(),
                    author_user_id: actor.user_id(),
                    author_token_id: actor.token_id(),
                    recorded_at: stamp.clone(),
                    suspect: flag.is_some(),
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
                    suspect: row.suspect,
                });
                replaced.push((MeasureId(row.id), input, flag.is_some()));
            }
        }
    }

    if counts.created + counts.updated == 0 {
        // Nothing changed: nothing to write, not even an audit entry.
        return Ok(Posted { counts, suspects });
    }
    let audit_after = {
        let replaced: Vec<_> = history
            .iter()
            .zip(&replaced)
            .map(|(old, (_, new, _))| {
                serde_json::json!({
                    "indicator_id": new.indicator.0,
                    "period": new.period.start(),
                    "old": old.value,
                    "new": new.value.get(),
                })
            })
            .collect();
        serde_json::json!({
            "source": source.as_str(),
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "suspect": suspects.len(),
            "replaced": replaced,
        })
        .to_string()
    };
    let written = Written {
        new_rows: &new_rows,
        history: &history,
        replaced: &replaced,
        values: written,
        series: &series,
    };
    match conn {
        DbConnection::Pg(pg) => write_pg(pg, target, written, source, actor, now, audit_after)?,
        DbConnection::Sqlite(sqlite) => {
            write_rows(sqlite, &new_rows, &history)?;
            replace_values(sqlite, written.replaced, source, actor, now)?;
            after_rows_written(conn, written.values, written.series)?;
            audit::append(
                conn,
                audit::NewEntry {
                    actor,
                    action: "measures.post",
                    entity: "product",
                    entity_key: target.slug.clone(),
                    before: None,
                    after: Some(audit_after),
                },
            )?;
        }
    }
    Ok(Posted { counts, suspects })
}

/// What a batch writes, once decided.
struct Written<'a, 'i> {
    new_rows: &'a [NewMeasureRow],
    history: &'a [HistoryRow],
    replaced: &'a [(MeasureId, &'i MeasureInput, bool)],
    /// The values created or replaced, `(indicator, period start, value)`.
    values: Vec<(IndicatorId, NaiveDate, f64)>,
    /// Each indicator's values as the batch leaves them ([`load_existing`]).
    series: &'a Series,
}

/// Writes a decided batch on PostgreSQL in one statement ([`PostWrites`]: history, new and
/// replacing values, monthly figures, matrix versions, latest values, audit entry): one round
/// trip where a single-value post took seven. A large batch sends its new rows and history by
/// `COPY` first ([`copy_rows`]), which no statement's parameters beat.
fn write_pg(
    pg: &mut diesel::PgConnection,
    target: &Target,
    written: Written<'_, '_>,
    source: MeasureSource,
    actor: Actor,
    now: NaiveDateTime,
    audit_after: String,
) -> StoreResult<()> {
    let mut history = HistoryArrays::default();
    let mut created = CreatedArrays::default();
    if written.new_rows.len() + written.history.len() <= SMALL_BATCH {
        for row in written.history {
            history.measure_id.push(row.measure_id);
            history.value.push(row.value);
            history.comment.push(row.comment.as_deref());
            history.source.push(&row.source);
            history.author_user_id.push(row.author_user_id);
            history.author_token_id.push(row.author_token_id);
            history.recorded_at.push(row.recorded_at);
            history.replaced_at.push(row.replaced_at);
            history.suspect.push(row.suspect);
        }
        for row in written.new_rows {
            created.indicator_id.push(row.indicator_id);
            created.period.push(row.period.0);
            created.value.push(row.value);
            created.comment.push(row.comment.as_deref());
            created.suspect.push(row.suspect);
        }
    } else {
        copy_rows(pg, written.new_rows, written.history)?;
    }
    let mut replaced = ReplacedArrays::default();
    for (id, input, suspect) in written.replaced {
        replaced.id.push(id.0);
        replaced.value.push(input.value.get());
        replaced.comment.push(input.comment.as_deref());
        replaced.suspect.push(*suspect);
    }
    let (figures, indicators) =
        crate::repo::aggregates::figures_of(&written.values, written.series);
    let mut months = MonthArrays::default();
    for ((indicator, month), f) in figures {
        months.indicator_id.push(indicator);
        months.month.push(month);
        months
            .value_count
            .push(i32::try_from(f.count).unwrap_or(i32::MAX));
        months.value_sum.push(f.sum);
        months.last_period.push(f.last_period);
        months.last_value.push(f.last);
    }
    let mut latest = LatestArrays::default();
    for (indicator, (period, value)) in latest::candidates(written.values) {
        latest.indicator_id.push(indicator);
        latest.period.push(period);
        latest.value.push(value);
    }
    PostWrites {
        history,
        created,
        replaced,
        source: source.as_str(),
        author_user_id: actor.user_id(),
        author_token_id: actor.token_id(),
        recorded_at: now,
        months,
        indicators: indicators.into_iter().collect(),
        latest,
        audit: AuditRow {
            at: clock::now(),
            actor: actor.to_string(),
            product: &target.slug,
            after: audit_after,
        },
    }
    .execute(pg)?;
    Ok(())
}

/// What every batch keeps up to date once its rows are written, in its transaction and under
/// its product's lock, from the values it created or replaced (`(indicator, period start,
/// value)`; unchanged values are not in it). The one place for data derived from measures:
/// its figures per month ([`crate::repo::aggregates::refresh`]) and each indicator's latest
/// value ([`latest::record`]).
fn after_rows_written(
    conn: &mut DbConnection,
    written: Vec<(IndicatorId, NaiveDate, f64)>,
    series: &Series,
) -> StoreResult<()> {
    crate::repo::aggregates::refresh(conn, &written, series)?;
    latest::record(conn, written)
}

/// Inserts the batch's new values and the history of the values it replaces, on SQLite: in
/// process, multi-row `INSERT`s cost no round trip.
fn write_rows(
    sqlite: &mut diesel::SqliteConnection,
    new_rows: &[NewMeasureRow],
    history: &[HistoryRow],
) -> StoreResult<()> {
    insert_fixed_chunks!(sqlite, measures::table, new_rows);
    insert_fixed_chunks!(sqlite, measure_history::table, history);
    Ok(())
}

/// Inserts a large batch's new values and history on PostgreSQL by binary `COPY`: no
/// statement to parse whatever the batch's size (a multi-row `INSERT` of 1 000 rows binds
/// 9 000 parameters the server parses and plans every time).
fn copy_rows(
    pg: &mut diesel::PgConnection,
    new_rows: &[NewMeasureRow],
    history: &[HistoryRow],
) -> StoreResult<()> {
    if !new_rows.is_empty() {
        diesel::copy_from(measures::table)
            .from_insertable(new_rows)
            .execute(pg)?;
    }
    if !history.is_empty() {
        diesel::copy_from(measure_history::table)
            .from_insertable(history)
            .execute(pg)?;
    }
    Ok(())
}

/// Writes the replacing values over the stored rows on SQLite (their old versions are in
/// history already): a single-row statement per value, which costs no round trip in process,
/// written out so that it stays prepared (`crate::sqlite_statements`).
fn replace_values(
    sqlite: &mut diesel::SqliteConnection,
    replaced: &[(MeasureId, &MeasureInput, bool)],
    source: MeasureSource,
    actor: Actor,
    now: NaiveDateTime,
) -> StoreResult<()> {
    for (id, input, suspect) in replaced {
        ReplaceMeasure {
            id: id.0,
            value: input.value.get(),
            comment: input.comment.as_deref(),
            source: source.as_str(),
            author_user_id: actor.user_id(),
            author_token_id: actor.token_id(),
            recorded_at: now,
            suspect: *suspect,
        }
        .execute(sqlite)?;
    }
    Ok(())
}

/// Each indicator's values as the batch leaves them, by period start, over the batch's periods
/// and the [`pilote_domain::SUSPECT_WINDOW`] periods before them: what suspicion is judged on.
type Series = HashMap<IndicatorId, BTreeMap<NaiveDate, f64>>;

/// Whether `input` is suspect against the periods before it, by a range lookup so that a
/// batch of years of values stays linear.
fn judge(series: &Series, input: &MeasureInput) -> Option<Suspicion> {
    let values = series.get(&input.indicator)?;
    let from = window_start(input.period).start();
    let recent: Vec<f64> = values
        .range(from..input.period.start())
        .map(|(_, v)| *v)
        .collect();
    suspicion(&recent, input.value.get())
}

/// Which of `inputs` posting would flag as suspect, without writing anything: what the web
/// form asks people to confirm. Same rules as [`post`] (unchanged values are not judged); the
/// inputs must already be checked against the product's indicators.
pub fn suspects(conn: &mut DbConnection, batch: &CheckedBatch) -> StoreResult<Vec<SuspectValue>> {
    let inputs: &[MeasureInput] = batch;
    let (existing, series) = load_existing(conn, inputs, true)?;
    Ok(inputs
        .iter()
        .enumerate()
        .filter(|(_, input)| {
            let old = existing.get(&(input.indicator.0, input.period.start()));
            classify_change(
                old.map(|row| (row.value, row.comment.as_deref())),
                input.value,
                input.comment.as_deref(),
            ) != Change::Unchanged
        })
        .filter_map(|(index, input)| {
            judge(&series, input).map(|suspicion| SuspectValue { index, suspicion })
        })
        .collect())
}

/// Clears the suspect flag of one period's value (a member looked at it and it is right),
/// recorded in the audit log. Returns whether the value was flagged; clearing an unflagged value
/// changes nothing and records nothing. NotFound ("measure") when the period has no value.
pub fn clear_suspect(
    conn: &mut DbConnection,
    product: ProductId,
    indicator: IndicatorId,
    period: Period,
    actor: Actor,
) -> StoreResult<bool> {
    let slug = crate::transaction::lock_product_slug(conn, product)?;
    let row: MeasureRow = measures::table
        .filter(measures::indicator_id.eq(indicator.0))
        .filter(measures::period.eq(period.start()))
        .select(MeasureRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound { what: "measure" })?;
    if !row.suspect {
        return Ok(false);
    }
    diesel::update(measures::table.find(row.id))
        .set(measures::suspect.eq(false))
        .execute(conn)?;
    let key: String = indicators::table
        .find(indicator.0)
        .select(indicators::key)
        .first(conn)?;
    let state = |suspect: bool| {
        serde_json::json!({
            "indicator": key,
            "period": row.period,
            "value": row.value,
            "suspect": suspect,
        })
        .to_string()
    };
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: "measures.clear_suspect",
            entity: "product",
            entity_key: slug,
            before: Some(state(true)),
            after: Some(state(false)),
        },
    )?;
    Ok(true)
}

/// The stored rows a batch replaces, by indicator and period start.
type Existing = HashMap<(i64, NaiveDate), MeasureRow>;

/// The stored rows the batch touches, and each indicator's values as the batch leaves them
/// (see [`Series`]) over the batch's periods, the whole months they fall in (what the monthly
/// figures are computed from, [`crate::repo::aggregates::refresh`]) and, when `judged`, the
/// [`pilote_domain::SUSPECT_WINDOW`] before them: what every later step needs, read once.
///
/// On PostgreSQL one range query per indicator (a round trip each). On SQLite, in process, the
/// whole rows over the batch's own periods and only the periods and values around them: a
/// single-value post judges against a dozen stored values but replaces one, and reading those
/// dozen whole (ten columns, a timestamp parsed each) was a fifth of the SQLite writer's time
/// per post (issue 23's profile).
fn load_existing(
    conn: &mut DbConnection,
    inputs: &[MeasureInput],
    judged: bool,
) -> StoreResult<(Existing, Series)> {
    let mut ranges: HashMap<IndicatorId, (Period, Period)> = HashMap::new();
    for input in inputs {
        ranges
            .entry(input.indicator)
            .and_modify(|(lo, hi)| {
                *lo = (*lo).min(input.period);
                *hi = (*hi).max(input.period);
            })
            .or_insert((input.period, input.period));
    }
    let wanted: HashSet<(i64, NaiveDate)> = inputs
        .iter()
        .map(|i| (i.indicator.0, i.period.start()))
        .collect();
    let mut existing = HashMap::new();
    let mut series = Series::new();
    for (indicator, (lo, hi)) in ranges {
        let month = |p: Period| Period::containing(Periodicity::Month, p.start());
        let mut from = month(lo).start();
        if judged {
            from = from.min(window_start(lo).start());
        }
        // The day after the last month: weekly values belong to the month of their Monday.
        let until = month(hi).end().succ_opt().unwrap_or(NaiveDate::MAX);
        let values = series.entry(indicator).or_default();
        let rows: Vec<MeasureRow> = match conn {
            DbConnection::Pg(_) => measures::table
                .filter(measures::indicator_id.eq(indicator.0))
                .filter(measures::period.ge(from))
                .filter(measures::period.lt(until))
                .select(MeasureRow::as_select())
                .load(conn)?,
            DbConnection::Sqlite(_) => {
                let around = measures::table
                    .filter(measures::indicator_id.eq(indicator.0))
                    .filter(
                        measures::period
                            .ge(from)
                            .and(measures::period.lt(lo.start()))
                            .or(measures::period
                                .gt(hi.start())
                                .and(measures::period.lt(until))),
                    )
                    .select((measures::period, measures::value));
                values.extend(around.load::<(NaiveDate, f64)>(conn)?);
                measures::table
                    .filter(measures::indicator_id.eq(indicator.0))
                    .filter(measures::period.between(lo.start(), hi.start()))
                    .select(MeasureRow::as_select())
                    .load(conn)?
            }
        };
        for row in rows {
            let key = (row.indicator_id, row.period);
            values.insert(row.period, row.value);
            if wanted.contains(&key) {
                existing.insert(key, row);
            }
        }
    }
    for input in inputs {
        series
            .entry(input.indicator)
            .or_default()
            .insert(input.period.start(), input.value.get());
    }
    Ok((existing, series))
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
            suspect: row.suspect,
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
        suspect: row.suspect,
    })
}
