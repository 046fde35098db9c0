//! Indicators' sources (issue 22) and the job runner's claims. A run is claimed by a
//! conditional `UPDATE` that sets a lease only where none is live: on PostgreSQL the second of
//! two replicas racing for one row waits for the first's commit, re-reads the row and finds the
//! lease taken (0 rows); SQLite serialises writers anyway. A runner that dies mid-run leaves a
//! lease that expires, so its job is not lost.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use pilote_domain::SourceKind;

use crate::{
    connection::DbConnection,
    error::{StoreError, StoreResult},
    ids::IndicatorId,
    repo::measures::UpsertCounts,
    schema::{indicator_sources as s, indicators, products, runner_jobs as j},
    with_backend,
};

/// A source as stored. `secret` is the encrypted token, never shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub indicator: IndicatorId,
    pub kind: SourceKind,
    pub url: String,
    /// The kind's settings as JSON text (never the token).
    pub settings: String,
    pub secret: Option<String>,
    pub every_hours: i32,
    pub next_run_at: NaiveDateTime,
    pub failures: i32,
    pub last_run: Option<LastRun>,
}

/// The outcome of a source's last run.
#[derive(Clone, Debug, PartialEq)]
pub struct LastRun {
    pub at: NaiveDateTime,
    /// What it wrote, or why it failed, in French.
    pub outcome: Result<UpsertCounts, String>,
}

/// What `put` stores.
#[derive(Clone, Debug)]
pub struct NewSource {
    pub kind: SourceKind,
    pub url: String,
    pub settings: String,
    pub secret: Option<String>,
    pub every_hours: i32,
}

type Row = (
    i64,
    String,
    String,
    String,
    Option<String>,
    i32,
    NaiveDateTime,
    i32,
    Option<NaiveDateTime>,
    Option<String>,
    (Option<i64>, Option<i64>, Option<i64>),
);

fn count(n: Option<i64>) -> u64 {
    n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0)
}

fn from_row(row: Row) -> StoreResult<Source> {
    let (indicator, kind, url, settings, secret, every_hours, next_run_at, failures, at, error) = (
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9,
    );
    let (created, updated, unchanged) = row.10;
    let kind = SourceKind::parse(&kind).map_err(|e| StoreError::Corrupt {
        table: "indicator_sources",
        key: indicator.to_string(),
        problem: e.to_string(),
    })?;
    let last_run = at.map(|at| LastRun {
        at,
        outcome: match error {
            Some(error) => Err(error),
            None => Ok(UpsertCounts {
                created: count(created),
                updated: count(updated),
                unchanged: count(unchanged),
            }),
        },
    });
    Ok(Source {
        indicator: IndicatorId(indicator),
        kind,
        url,
        settings,
        secret,
        every_hours,
        next_run_at,
        failures,
        last_run,
    })
}

macro_rules! source_columns {
    () => {
        (
            s::indicator_id,
            s::kind,
            s::url,
            s::settings,
            s::secret,
            s::every_hours,
            s::next_run_at,
            s::failures,
            s::last_run_at,
            s::last_error,
            (s::last_created, s::last_updated, s::last_unchanged),
        )
    };
}

/// The indicator's source, if it has one.
pub fn get(conn: &mut DbConnection, indicator: IndicatorId) -> StoreResult<Option<Source>> {
    s::table
        .filter(s::indicator_id.eq(indicator.0))
        .select(source_columns!())
        .first::<Row>(conn)
        .optional()?
        .map(from_row)
        .transpose()
}

/// Sets the indicator's source (replacing any): due at once, its failures forgotten, its last
/// run kept until the next one. `secret: None` keeps a stored token when the kind and URL stay
/// (a form that never shows the token need not retype it). Returns whether it was new.
pub fn put(
    conn: &mut DbConnection,
    indicator: IndicatorId,
    source: &NewSource,
    now: NaiveDateTime,
) -> StoreResult<bool> {
    let existing = get(conn, indicator)?;
    let Some(old) = existing else {
        diesel::insert_into(s::table)
            .values((
                s::indicator_id.eq(indicator.0),
                s::kind.eq(source.kind.as_str()),
                s::url.eq(&source.url),
                s::settings.eq(&source.settings),
                s::secret.eq(&source.secret),
                s::every_hours.eq(source.every_hours),
                s::next_run_at.eq(now),
                s::failures.eq(0),
            ))
            .execute(conn)?;
        return Ok(true);
    };
    // A token is bound to its Matomo: moving the source elsewhere without a new one drops it.
    let same_place = old.kind == source.kind && old.url == source.url;
    let secret = match &source.secret {
        Some(secret) => Some(secret.clone()),
        None if same_place => old.secret,
        None => None,
    };
    diesel::update(s::table.filter(s::indicator_id.eq(indicator.0)))
        .set((
            s::kind.eq(source.kind.as_str()),
            s::url.eq(&source.url),
            s::settings.eq(&source.settings),
            s::secret.eq(secret),
            s::every_hours.eq(source.every_hours),
            s::next_run_at.eq(now),
            s::failures.eq(0),
        ))
        .execute(conn)?;
    Ok(false)
}

/// Removes the indicator's source; its values stay. Whether there was one.
pub fn delete(conn: &mut DbConnection, indicator: IndicatorId) -> StoreResult<bool> {
    let n = diesel::delete(s::table.filter(s::indicator_id.eq(indicator.0))).execute(conn)?;
    Ok(n > 0)
}

/// Sources due at `now` and not leased, oldest due first, at most `limit`.
pub fn due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> StoreResult<Vec<IndicatorId>> {
    Ok(s::table
        .filter(s::next_run_at.le(now))
        .filter(s::lease_until.is_null().or(s::lease_until.lt(now)))
        .order((s::next_run_at, s::indicator_id))
        .select(s::indicator_id)
        .limit(limit)
        .load::<i64>(conn)?
        .into_iter()
        .map(IndicatorId)
        .collect())
}

/// Takes the run of the indicator's source for `owner` until `lease_until`, if it is due
/// (`force`: whenever, as for a run asked through the API) and no other runner holds it.
/// Run it in its own short transaction, before the fetch.
pub fn claim(
    conn: &mut DbConnection,
    indicator: IndicatorId,
    owner: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    force: bool,
) -> StoreResult<bool> {
    let free = s::indicator_id
        .eq(indicator.0)
        .and(s::lease_until.is_null().or(s::lease_until.lt(now)));
    let set = (s::lease_owner.eq(owner), s::lease_until.eq(lease_until));
    let n = if force {
        diesel::update(s::table.filter(free))
            .set(set)
            .execute(conn)?
    } else {
        diesel::update(s::table.filter(free).filter(s::next_run_at.le(now)))
            .set(set)
            .execute(conn)?
    };
    Ok(n == 1)
}

/// Records the run `owner` claimed and lets the lease go: the outcome, the next run (the
/// schedule after a success, `retry_at` after a failure) and the failures in a row. A run whose
/// lease was lost (expired and taken by another runner) records nothing: false.
pub fn finish(
    conn: &mut DbConnection,
    indicator: IndicatorId,
    owner: &str,
    now: NaiveDateTime,
    outcome: &Result<UpsertCounts, String>,
    next_run_at: NaiveDateTime,
) -> StoreResult<bool> {
    let mine = s::table
        .filter(s::indicator_id.eq(indicator.0))
        .filter(s::lease_owner.eq(owner));
    let clear = (
        s::lease_owner.eq(None::<String>),
        s::lease_until.eq(None::<NaiveDateTime>),
        s::last_run_at.eq(now),
        s::next_run_at.eq(next_run_at),
    );
    let as_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let n = match outcome {
        Ok(counts) => diesel::update(mine)
            .set((
                clear,
                s::failures.eq(0),
                s::last_error.eq(None::<String>),
                s::last_created.eq(as_i64(counts.created)),
                s::last_updated.eq(as_i64(counts.updated)),
                s::last_unchanged.eq(as_i64(counts.unchanged)),
            ))
            .execute(conn)?,
        Err(error) => diesel::update(mine)
            .set((
                clear,
                s::failures.eq(s::failures + 1),
                s::last_error.eq(error),
                s::last_created.eq(None::<i64>),
                s::last_updated.eq(None::<i64>),
                s::last_unchanged.eq(None::<i64>),
            ))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// A source whose last run failed, for the digest.
#[derive(Clone, Debug, PartialEq)]
pub struct FailingSource {
    pub product_slug: String,
    pub product_name: String,
    pub indicator_label: String,
    pub since: NaiveDateTime,
    pub error: String,
}

/// Sources whose last run failed, of one incubator's products or all, by product and label.
pub fn failing(conn: &mut DbConnection, incubator: Option<i64>) -> StoreResult<Vec<FailingSource>> {
    let mut query = s::table
        .inner_join(indicators::table.inner_join(products::table))
        .filter(s::last_error.is_not_null())
        .select((
            products::slug,
            products::name,
            indicators::label,
            s::last_run_at,
            s::last_error,
        ))
        .order((products::name, indicators::label))
        .into_boxed();
    if let Some(incubator) = incubator {
        query = query.filter(products::incubator_id.eq(incubator));
    }
    Ok(query
        .load::<(
            String,
            String,
            String,
            Option<NaiveDateTime>,
            Option<String>,
        )>(conn)?
        .into_iter()
        .filter_map(|(product_slug, product_name, indicator_label, at, error)| {
            Some(FailingSource {
                product_slug,
                product_name,
                indicator_label,
                since: at?,
                error: error?,
            })
        })
        .collect())
}

/// Takes the named job (`sync_betagouv`) for `owner` until `lease_until` if it is due and free;
/// a job never run is due at once.
pub fn claim_job(
    conn: &mut DbConnection,
    name: &str,
    owner: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> StoreResult<bool> {
    with_backend!(conn, |c| {
        diesel::insert_into(j::table)
            .values((j::name.eq(name), j::next_run_at.eq(now)))
            .on_conflict(j::name)
            .do_nothing()
            .execute(c)
    })?;
    let n = diesel::update(
        j::table
            .filter(j::name.eq(name))
            .filter(j::next_run_at.le(now))
            .filter(j::lease_until.is_null().or(j::lease_until.lt(now))),
    )
    .set((j::lease_owner.eq(owner), j::lease_until.eq(lease_until)))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records the named job's run that `owner` claimed: its error (French) if any, the next run.
pub fn finish_job(
    conn: &mut DbConnection,
    name: &str,
    owner: &str,
    now: NaiveDateTime,
    error: Option<&str>,
    next_run_at: NaiveDateTime,
) -> StoreResult<bool> {
    let n = diesel::update(
        j::table
            .filter(j::name.eq(name))
            .filter(j::lease_owner.eq(owner)),
    )
    .set((
        j::lease_owner.eq(None::<String>),
        j::lease_until.eq(None::<NaiveDateTime>),
        j::last_run_at.eq(now),
        j::last_error.eq(error),
        j::next_run_at.eq(next_run_at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The named job's last run: when, and its error if it failed.
pub fn job_last_run(
    conn: &mut DbConnection,
    name: &str,
) -> StoreResult<Option<(NaiveDateTime, Option<String>)>> {
    Ok(j::table
        .filter(j::name.eq(name))
        .select((j::last_run_at, j::last_error))
        .first::<(Option<NaiveDateTime>, Option<String>)>(conn)
        .optional()?
        .and_then(|(at, error)| Some((at?, error))))
}

/// The indicator's product, key and periodicity, for a run.
pub fn target(
    conn: &mut DbConnection,
    indicator: IndicatorId,
) -> StoreResult<(crate::ids::ProductId, String, pilote_domain::Periodicity)> {
    let (product, key, periodicity) = indicators::table
        .filter(indicators::id.eq(indicator.0))
        .select((
            indicators::product_id,
            indicators::key,
            indicators::periodicity,
        ))
        .first::<(i64, String, String)>(conn)
        .optional()?
        .ok_or(StoreError::NotFound { what: "indicator" })?;
    let periodicity =
        pilote_domain::Periodicity::parse(&periodicity).map_err(|e| StoreError::Corrupt {
            table: "indicators",
            key: indicator.0.to_string(),
            problem: e.to_string(),
        })?;
    Ok((crate::ids::ProductId(product), key, periodicity))
}
