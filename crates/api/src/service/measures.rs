//! Posting measures: what the JSON API, the web form, the CSV upload (page and API) and
//! `pilote import measures` share. A batch is checked once, by the domain's
//! [`pilote_domain::check_batch`], and stored in one transaction under the product's lock.

use std::collections::HashMap;

use actix_web::web;
use chrono::{NaiveDate, Utc};
use pilote_domain::{Indicator, MeasureSource, Periodicity, Slug, Suspicion, check_batch};
use pilote_store::{
    Actor, Database, DbConnection, IndicatorId, ProductId, StoreError, StoreResult,
    repo::{
        auth_version, indicators,
        measures::{self, CheckedBatch, Posted},
    },
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    access::{self, ProductScope},
    auth::{Principal, Provisional},
    db,
    error::ApiError,
};

/// One row of a batch, as posted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureRow {
    /// The indicator's key.
    pub indicator: String,
    /// Any date inside the period: it files into its week (Monday) or month (the 1st).
    pub period: NaiveDate,
    pub value: f64,
    #[serde(default)]
    pub comment: Option<String>,
}

/// What a batch did.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchOutcome {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Values stored but flagged as suspect, far from their recent series: never a reason to
    /// refuse them, a reason to look again. Absent when none (as the error envelope's
    /// `details`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub warnings: Vec<Warning>,
}

/// A value stored with a doubt about it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({"field": "measures[3].value", "problem": "suspect: 300.0 median \
    absolute deviations from the median (100) of the last 12 periods; stored and flagged"}))]
pub struct Warning {
    /// Where, as a path into the body: `measures[3].value`, `lines[4].value`.
    pub field: String,
    pub problem: String,
}

impl BatchOutcome {
    /// The store's answer, each suspect value named by its row's field path.
    fn of(posted: Posted, fields: &[String]) -> BatchOutcome {
        let warnings = posted
            .suspects
            .iter()
            .map(|s| Warning {
                field: format!(
                    "{}.value",
                    fields.get(s.index).map_or("measures", String::as_str)
                ),
                problem: s.suspicion.problem(),
            })
            .collect();
        BatchOutcome {
            created: posted.counts.created,
            updated: posted.counts.updated,
            unchanged: posted.counts.unchanged,
            warnings,
        }
    }
}

/// The most rows one batch may hold.
pub const MAX_ROWS: usize = pilote_domain::MAX_BATCH_ROWS;

pub use pilote_domain::RawRow;

/// Checks every row against the product's indicators and the domain's rules
/// ([`pilote_domain::check_batch`]), reporting every problem at once; returns the store's
/// inputs only if all rows are good.
pub fn check_rows(
    rows: Vec<RawRow>,
    indicators: &HashMap<String, (IndicatorId, Periodicity)>,
    today: NaiveDate,
) -> Result<CheckedBatch, ApiError> {
    check_batch(rows, indicators, today).map_err(ApiError::InvalidMany)
}

/// The product's indicators by key.
pub fn indicator_index(
    conn: &mut DbConnection,
    scope: &ProductScope,
) -> StoreResult<HashMap<String, (IndicatorId, Periodicity)>> {
    Ok(indicators::list(conn, scope.id)?
        .into_iter()
        .map(|(id, i): (IndicatorId, Indicator)| (i.key.to_string(), (id, i.periodicity)))
        .collect())
}

/// The rows posting would flag as suspect, by field, without storing anything (the web form's
/// confirmation step). Refused as [`post_rows`] would refuse them.
pub async fn suspects_of(
    db: &web::Data<Database>,
    principal: &Principal,
    scope: ProductScope,
    rows: Vec<RawRow>,
) -> Result<Vec<(String, Suspicion)>, ApiError> {
    access::measures_writer(principal, &scope)?;
    let today = Utc::now().date_naive();
    let fields: Vec<String> = rows.iter().map(|r| r.field.clone()).collect();
    // The rows' own errors come out of the transaction as the outer result, store errors as
    // the inner one.
    let found = db::read(db, move |c| {
        let index = indicator_index(c, &scope)?;
        Ok(check_rows(rows, &index, today).map(|batch| measures::suspects(c, &batch)))
    })
    .await??;
    Ok(found?
        .into_iter()
        .filter_map(|s| Some((fields.get(s.index)?.clone(), s.suspicion)))
        .collect())
}

/// Checks and stores a batch in one transaction.
pub async fn post_rows(
    db: &web::Data<Database>,
    principal: &Principal,
    scope: ProductScope,
    rows: Vec<RawRow>,
    source: MeasureSource,
) -> Result<BatchOutcome, ApiError> {
    let actor = access::measures_writer(principal, &scope)?;
    let today = Utc::now().date_naive();
    // A clean batch keeps its rows' order: a suspect input's index is its row's.
    let fields: Vec<String> = rows.iter().map(|r| r.field.clone()).collect();
    // The indicators are read in the write transaction itself, under the product's lock: one
    // trip to the blocking pool and one transaction less per post, which matters most for
    // single-value posts, and the store checks the batch against the same read. Rows at fault
    // come out as the outer result (nothing was written), store errors as the inner one.
    let posted = db::write(db, move |c| {
        post_in(c, scope.id, rows, source, actor, today)
    })
    .await??;
    Ok(BatchOutcome::of(posted, &fields))
}

/// [`post_rows`] for the product a path names, in one write transaction: the product is found
/// by its slug and locked, the caller's permission checked against it, its indicators read
/// and the batch stored, with no read before the write (the API's single-value post takes
/// one trip to the database, not three). 404 for an unknown product, then 403, then 422 for
/// rows at fault, as [`crate::service::scope::scope_of`] then [`post_rows`] would answer.
///
/// A caller whose identity was taken from the cache unchecked ([`Provisional`]) is checked in
/// the same transaction, against the authorisation version the lock reads: if it has moved,
/// nothing is written, the identity is checked anew and the post made again.
pub async fn post_rows_to(
    db: &web::Data<Database>,
    caller: Provisional,
    slug: &str,
    rows: Vec<RawRow>,
    source: MeasureSource,
) -> Result<BatchOutcome, ApiError> {
    let slug = crate::service::scope::slug(slug, "product")?;
    let fields: Vec<String> = rows.iter().map(|r| r.field.clone()).collect();
    let attempt = Attempt {
        slug,
        principal: caller.principal.clone(),
        unchecked_at: caller.unchecked_at,
        source,
        today: Utc::now().date_naive(),
    };
    let posted = match db::write(db, move |c| attempt.run(c, rows)).await?? {
        Attempted::Posted(posted) => posted,
        Attempted::Stale(attempt, rows) => {
            let attempt = Attempt {
                principal: caller.verify().await?,
                unchecked_at: None,
                ..attempt
            };
            match db::write(db, move |c| attempt.run(c, rows)).await?? {
                Attempted::Posted(posted) => posted,
                // Unreachable: a checked identity is never stale.
                Attempted::Stale(..) => {
                    return Err(ApiError::Internal("a checked identity was stale".into()));
                }
            }
        }
    };
    Ok(BatchOutcome::of(posted, &fields))
}

/// One try of [`post_rows_to`], run in its write transaction.
struct Attempt {
    slug: Slug,
    principal: Principal,
    /// The version `principal` was cached at, if it has not been checked against the
    /// database's.
    unchecked_at: Option<i64>,
    source: MeasureSource,
    today: NaiveDate,
}

/// What a try did, when no row was at fault.
enum Attempted {
    Posted(Posted),
    /// The caller's identity was older than the authorisation version: nothing written, the
    /// try and its rows given back to be made again.
    Stale(Attempt, Vec<RawRow>),
}

impl Attempt {
    /// Rows at fault and refusals come out as the inner error (nothing written), store errors
    /// as the outer one.
    fn run(
        self,
        c: &mut DbConnection,
        rows: Vec<RawRow>,
    ) -> StoreResult<Result<Attempted, ApiError>> {
        let locked = match measures::Target::lock_slug(c, self.slug.as_ref()) {
            Ok(locked) => locked,
            // An unknown product is said only to a caller whose identity holds: one revoked
            // meanwhile gets its 401 first, as on the checked path.
            Err(StoreError::NotFound { .. }) if self.unchecked_at.is_some() => {
                return Ok(Ok(Attempted::Stale(self, rows)));
            }
            Err(error) => return Err(error),
        };
        if let Some(cached) = self.unchecked_at {
            let current = match locked.auth_version {
                Some(version) => version,
                None => auth_version::current(c)?,
            };
            if current != cached {
                return Ok(Ok(Attempted::Stale(self, rows)));
            }
        }
        let scope = ProductScope {
            id: locked.product,
            slug: self.slug,
            incubators: locked.incubators,
        };
        let actor = match access::measures_writer(&self.principal, &scope) {
            Ok(actor) => actor,
            Err(refused) => return Ok(Err(refused)),
        };
        Ok(
            post_checked(c, &locked.target, rows, self.source, actor, self.today)?
                .map(Attempted::Posted),
        )
    }
}

/// The write path every batch takes, whoever sends it (a team, a file, a source fetched by
/// the job runner): under the product's lock, checked against its indicators, stored with its
/// history and suspect flags. Run it inside a write transaction. Rows at fault come out as the
/// inner error (nothing written), store errors as the outer one.
pub fn post_in(
    c: &mut DbConnection,
    product: ProductId,
    rows: Vec<RawRow>,
    source: MeasureSource,
    actor: Actor,
    today: NaiveDate,
) -> StoreResult<Result<Posted, ApiError>> {
    let target = measures::Target::lock(c, product)?;
    post_checked(c, &target, rows, source, actor, today)
}

/// Checks the rows against the locked target's indicators and stores them.
fn post_checked(
    c: &mut DbConnection,
    target: &measures::Target,
    rows: Vec<RawRow>,
    source: MeasureSource,
    actor: Actor,
    today: NaiveDate,
) -> StoreResult<Result<Posted, ApiError>> {
    let posted = match check_rows(rows, &target.by_key(), today) {
        Ok(batch) => measures::post_to(c, target, &batch, source, actor)?,
        Err(refused) => return Ok(Err(refused)),
    };
    let counts = posted.counts;
    crate::metrics::metrics().measures(counts.created, counts.updated, counts.unchanged);
    Ok(Ok(posted))
}
