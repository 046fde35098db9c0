//! Contract reviews: a snapshot of the contract's status frozen when the review is taken, a
//! verdict and a decision. Editable until signed; signing applies an `advance` or `stop`
//! decision to the phases (same rule as committee decisions) and makes the review immutable.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use pilote_domain::{
    DecisionKind, DomainError, NewDecision, NewReview, Rationale, ReviewDecision, ReviewSnapshot,
    Verdict,
};

use crate::{
    clock,
    connection::DbConnection,
    error::{NotFoundExt, StoreResult, corrupt},
    ids::{Actor, DecisionId, ProductId, ReviewId, UserId},
    repo::{audit, contract_status, contracts, contracts::json_error, phases},
    schema::{contracts as contract_table, reviews},
};

/// A stored review.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewRecord {
    pub id: ReviewId,
    pub product: ProductId,
    pub review: NewReview,
    /// The frozen snapshot, exactly as stored: the JSON of a [`ReviewSnapshot`].
    pub snapshot: String,
    /// The committee decision recorded when an `advance` or `stop` review was signed.
    pub decision_id: Option<DecisionId>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub signed_at: Option<NaiveDateTime>,
    pub signed_by: Option<UserId>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = reviews)]
struct ReviewRow {
    id: i64,
    reviewed_on: NaiveDate,
    reviewers: String,
    verdict: String,
    decision_kind: String,
    decision_rationale: String,
    notes: String,
    snapshot: String,
    decision_id: Option<i64>,
    created_by: Option<i64>,
    created_at: NaiveDateTime,
    signed_at: Option<NaiveDateTime>,
    signed_by: Option<i64>,
}

impl ReviewRow {
    fn into_record(self, product: i64) -> StoreResult<ReviewRecord> {
        let id = self.id;
        let bad = |e: DomainError| corrupt("reviews", id, e);
        let reviewers: Vec<String> =
            serde_json::from_str(&self.reviewers).map_err(|e| corrupt("reviews", id, e))?;
        Ok(ReviewRecord {
            id: ReviewId(id),
            product: ProductId(product),
            review: NewReview {
                reviewed_on: self.reviewed_on,
                reviewers,
                verdict: Verdict::parse(&self.verdict).map_err(bad)?,
                decision: ReviewDecision {
                    kind: DecisionKind::parse(&self.decision_kind).map_err(bad)?,
                    rationale: Rationale::parse(&self.decision_rationale).map_err(bad)?,
                },
                notes: self.notes,
            },
            snapshot: self.snapshot,
            decision_id: self.decision_id.map(DecisionId),
            created_by: self.created_by.map(UserId),
            created_at: self.created_at,
            signed_at: self.signed_at,
            signed_by: self.signed_by.map(UserId),
        })
    }
}

/// Takes a review of the product's contract: its status at `reviewed_on` is frozen with the
/// verdict and decision. `NotFound("contract")` without a contract; `Invalid` per
/// [`NewReview::validate`].
pub fn create(
    conn: &mut DbConnection,
    product: ProductId,
    review: &NewReview,
    actor: Actor,
    today: NaiveDate,
) -> StoreResult<ReviewRecord> {
    review.validate(today)?;
    let (contract, _) = contracts::get(conn, product)?;
    let snapshot = snapshot(conn, product, review, None)?;
    let id = diesel::insert_into(reviews::table)
        .values((
            reviews::contract_id.eq(contract.0),
            Written::of(review, &snapshot)?,
            reviews::created_by.eq(actor.user_id()),
            reviews::created_at.eq(clock::now()),
        ))
        .returning(reviews::id)
        .get_result(conn)
        .map(ReviewId)?;
    let record = get(conn, id)?;
    log(conn, actor, "review.create", None, Some(&record))?;
    Ok(record)
}

/// One review.
pub fn get(conn: &mut DbConnection, id: ReviewId) -> StoreResult<ReviewRecord> {
    let (row, product) = reviews::table
        .inner_join(contract_table::table)
        .filter(reviews::id.eq(id.0))
        .select((ReviewRow::as_select(), contract_table::product_id))
        .first::<(ReviewRow, i64)>(conn)
        .not_found("review")?;
    row.into_record(product)
}

/// The reviews of the product's contract, oldest first.
pub fn list(conn: &mut DbConnection, product: ProductId) -> StoreResult<Vec<ReviewRecord>> {
    reviews::table
        .inner_join(contract_table::table)
        .filter(contract_table::product_id.eq(product.0))
        .order((reviews::reviewed_on, reviews::id))
        .select(ReviewRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| row.into_record(product.0))
        .collect()
}

/// Rewrites an unsigned review (`Conflict` once signed). The status part of the snapshot is
/// taken again only when the date changes; verdict and decision always follow the review.
pub fn update(
    conn: &mut DbConnection,
    id: ReviewId,
    review: &NewReview,
    actor: Actor,
    today: NaiveDate,
) -> StoreResult<ReviewRecord> {
    let before = get(conn, id)?;
    ensure_unsigned(&before)?;
    review.validate(today)?;
    let kept = if before.review.reviewed_on == review.reviewed_on {
        let old: ReviewSnapshot =
            serde_json::from_str(&before.snapshot).map_err(|e| corrupt("reviews", id, e))?;
        Some(old)
    } else {
        None
    };
    let snapshot = snapshot(conn, before.product, review, kept)?;
    diesel::update(reviews::table.find(id.0))
        .set(Written::of(review, &snapshot)?)
        .execute(conn)?;
    let after = get(conn, id)?;
    log(conn, actor, "review.update", Some(&before), Some(&after))?;
    Ok(after)
}

/// Signs a review, which makes it immutable (`Conflict` if already signed). An `advance` or
/// `stop` decision is recorded through [`phases::record_decision`], dated on the review day,
/// in the caller's transaction: if the phase rules refuse it, nothing is signed.
pub fn sign(
    conn: &mut DbConnection,
    id: ReviewId,
    actor: Actor,
    today: NaiveDate,
) -> StoreResult<ReviewRecord> {
    let before = get(conn, id)?;
    ensure_unsigned(&before)?;
    let decision_id = match before.review.decision.kind {
        kind @ (DecisionKind::Advance | DecisionKind::Stop) => {
            let decision = NewDecision {
                kind,
                decided_on: before.review.reviewed_on,
                rationale: before.review.decision.rationale.clone(),
            };
            let (id, _) = phases::record_decision(conn, before.product, &decision, actor, today)?;
            Some(id.0)
        }
        DecisionKind::Continue | DecisionKind::Pivot => None,
    };
    diesel::update(reviews::table.find(id.0))
        .set((
            reviews::signed_at.eq(clock::now()),
            reviews::signed_by.eq(actor.user_id()),
            reviews::decision_id.eq(decision_id),
        ))
        .execute(conn)?;
    let after = get(conn, id)?;
    log(conn, actor, "review.sign", Some(&before), Some(&after))?;
    Ok(after)
}

fn ensure_unsigned(record: &ReviewRecord) -> StoreResult<()> {
    if record.signed_at.is_some() {
        return Err(DomainError::Conflict(pilote_domain::Conflict::rule(
            "the review is signed: it can no longer change",
            "La revue est signée : elle ne peut plus changer.",
        ))
        .into());
    }
    Ok(())
}

/// The snapshot's JSON: `kept`'s status if given, else the status at the review date.
fn snapshot(
    conn: &mut DbConnection,
    product: ProductId,
    review: &NewReview,
    kept: Option<ReviewSnapshot>,
) -> StoreResult<String> {
    let status = match kept {
        Some(old) => old.status,
        None => contract_status::at(conn, product, review.reviewed_on)?,
    };
    let snapshot = ReviewSnapshot {
        status,
        verdict: review.verdict,
        decision: review.decision.clone(),
    };
    serde_json::to_string(&snapshot).map_err(json_error)
}

/// A review's columns that taking and editing a draft both write (all but its contract,
/// author, time and signature), written once for both.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = reviews)]
struct Written<'a> {
    reviewed_on: NaiveDate,
    reviewers: String,
    verdict: &'a str,
    decision_kind: &'a str,
    decision_rationale: &'a str,
    notes: &'a str,
    snapshot: &'a str,
}

impl<'a> Written<'a> {
    fn of(review: &'a NewReview, snapshot: &'a str) -> StoreResult<Self> {
        Ok(Written {
            reviewed_on: review.reviewed_on,
            reviewers: reviewers_json(review)?,
            verdict: review.verdict.as_str(),
            decision_kind: review.decision.kind.as_str(),
            decision_rationale: review.decision.rationale.as_ref(),
            notes: &review.notes,
            snapshot,
        })
    }
}

fn reviewers_json(review: &NewReview) -> StoreResult<String> {
    serde_json::to_string(&review.reviewers).map_err(json_error)
}

fn log(
    conn: &mut DbConnection,
    actor: Actor,
    action: &str,
    before: Option<&ReviewRecord>,
    after: Option<&ReviewRecord>,
) -> StoreResult<()> {
    let describe = |r: &ReviewRecord| {
        serde_json::json!({
            "review": r.review,
            "signed_at": r.signed_at,
            "decision_id": r.decision_id.map(|d| d.0),
        })
        .to_string()
    };
    let key = after
        .or(before)
        .map(|r| r.id.to_string())
        .unwrap_or_default();
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action,
            entity: "review",
            entity_key: key,
            before: before.map(describe),
            after: after.map(describe),
        },
    )
}
