//! The shapes of the review routes.

use chrono::{NaiveDate, NaiveDateTime};
use pilote_domain::{DecisionKind, NewReview, Rationale, ReviewDecision, Verdict};
use pilote_store::repo::reviews::ReviewRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{error::ApiError, openapi};

/// A review's decision: same kinds as committee decisions.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewDecisionBody {
    #[schema(value_type = openapi::DecisionKind)]
    pub kind: DecisionKind,
    pub rationale: String,
}

/// The body of `POST /products/{slug}/reviews` and `PATCH /reviews/{id}` (a whole review).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// The review day, not in the future; the snapshot is the status at that date.
    pub reviewed_on: NaiveDate,
    pub reviewers: Vec<String>,
    #[schema(value_type = openapi::Verdict)]
    pub verdict: Verdict,
    pub decision: ReviewDecisionBody,
    #[serde(default)]
    pub notes: String,
}

impl ReviewBody {
    /// The domain's review; its rationale is checked here (`decision.rationale`), the rest by
    /// the store with the date of the day.
    pub fn into_domain(self) -> Result<NewReview, ApiError> {
        let rationale = Rationale::parse(&self.decision.rationale)
            .map_err(|e| e.with_field("decision.rationale"))?;
        Ok(NewReview {
            reviewed_on: self.reviewed_on,
            reviewers: self
                .reviewers
                .into_iter()
                .map(|r| r.trim().to_owned())
                .collect(),
            verdict: self.verdict,
            decision: ReviewDecision {
                kind: self.decision.kind,
                rationale,
            },
            notes: self.notes.trim().to_owned(),
        })
    }
}

/// A review as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewItem {
    pub id: i64,
    /// The product's slug is not repeated here; `GET /products/{slug}/reviews` lists them.
    pub reviewed_on: NaiveDate,
    pub reviewers: Vec<String>,
    #[schema(value_type = openapi::Verdict)]
    pub verdict: Verdict,
    pub decision: ReviewDecisionBody,
    pub notes: String,
    /// The frozen status at `reviewed_on` (the shape of `GET .../contract/status`) with
    /// `verdict` and `decision`. Later measures never change it.
    #[schema(value_type = Object)]
    pub snapshot: serde_json::Value,
    /// Whether it is signed, hence immutable.
    pub signed: bool,
    #[serde(serialize_with = "crate::json::utc::serialize_option")]
    pub signed_at: Option<NaiveDateTime>,
    /// The committee decision an `advance` or `stop` review recorded when signed.
    pub decision_id: Option<i64>,
    #[serde(serialize_with = "crate::json::utc::serialize")]
    pub created_at: NaiveDateTime,
}

impl TryFrom<ReviewRecord> for ReviewItem {
    type Error = ApiError;

    fn try_from(r: ReviewRecord) -> Result<Self, ApiError> {
        let snapshot =
            serde_json::from_str(&r.snapshot).map_err(|e| ApiError::Internal(Box::new(e)))?;
        Ok(ReviewItem {
            id: r.id.0,
            reviewed_on: r.review.reviewed_on,
            reviewers: r.review.reviewers,
            verdict: r.review.verdict,
            decision: ReviewDecisionBody {
                kind: r.review.decision.kind,
                rationale: r.review.decision.rationale.to_string(),
            },
            notes: r.review.notes,
            snapshot,
            signed: r.signed_at.is_some(),
            signed_at: r.signed_at,
            decision_id: r.decision_id.map(|d| d.0),
            created_at: r.created_at,
        })
    }
}
