//! `GET /api/v1/portfolio`: the whole portfolio at a glance.

use std::collections::BTreeMap;

use actix_web::{get, web};
use chrono::{NaiveDate, Utc};
use pilote_domain::{ContractSummary, GlanceEntry, access::Action, glance, summarize};
use pilote_store::{
    Database,
    repo::{committees, contract_status, products, pulse, sheets},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::service::scope;
use crate::{
    access,
    auth::Principal,
    db,
    error::{ApiError, ErrorEnvelope, responses::*},
    openapi,
};

/// Counts and the products that need attention.
#[derive(Debug, Serialize, ToSchema)]
pub struct Portfolio {
    /// Every product.
    pub products: usize,
    /// Products per current phase, and `stopped`.
    #[schema(value_type = BTreeMap<String, usize>,
             example = json!({"investigation": 3, "construction": 5, "acceleration": 4,
                              "perennisation": 1, "stopped": 2}))]
    pub phases: BTreeMap<&'static str, usize>,
    /// Running products past their incubator's maximum phase duration, longest overdue first.
    pub overdue: Vec<OverdueItem>,
    /// Running products' teams: up to date, or late (a weekly indicator without a value for
    /// the last complete week).
    pub teams: Teams,
    /// Contract figures across running products that have a contract.
    pub contracts: Contracts,
    /// Running products whose next committee is overdue or due within 30 days, soonest
    /// first: due at most the incubator's `committee_months` after the last committee
    /// decision (or the day the product entered its phase).
    pub committees: Vec<CommitteeItem>,
}

/// A committee to schedule, or overdue.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommitteeItem {
    pub slug: String,
    pub name: String,
    /// The last committee decision (or the day the product entered its phase).
    pub last_on: NaiveDate,
    pub due_on: NaiveDate,
    /// `to_schedule` (due within 30 days) or `overdue`.
    #[schema(example = "overdue")]
    pub state: &'static str,
}

/// The mean and median of a drift (0.25 is 25 %); null when no product has one.
#[derive(Debug, Serialize, ToSchema)]
pub struct DriftSpread {
    /// Products with a value.
    pub count: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
}

/// Contract figures across running products with a contract (see `docs/contract.md`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Contracts {
    /// Running products with a contract.
    pub products: usize,
    /// (spent − planned to date) / planned to date.
    pub budget_drift: DriftSpread,
    /// Days late on the latest due milestone over its planned duration from the start.
    pub schedule_drift: DriftSpread,
    /// Objectives per status, every status listed.
    #[schema(value_type = BTreeMap<String, usize>,
             example = json!({"on_track": 4, "at_risk": 2, "off_track": 1, "no_data": 1, "achieved": 0}))]
    pub objectives: BTreeMap<&'static str, usize>,
    /// Products whose next review date has passed.
    pub reviews_overdue: usize,
}

impl From<ContractSummary> for Contracts {
    fn from(s: ContractSummary) -> Self {
        let spread = |d: pilote_domain::Spread| DriftSpread {
            count: d.count,
            mean: d.mean,
            median: d.median,
        };
        Contracts {
            products: s.contracts,
            budget_drift: spread(s.budget_drift),
            schedule_drift: spread(s.schedule_drift),
            objectives: s
                .objectives
                .into_iter()
                .map(|(k, v)| (k.as_str(), v))
                .collect(),
            reviews_overdue: s.reviews_overdue,
        }
    }
}

/// An overdue product.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverdueItem {
    pub slug: String,
    pub name: String,
    #[schema(value_type = openapi::Phase)]
    pub phase: &'static str,
    pub phase_started_on: NaiveDate,
    pub overdue_since: NaiveDate,
}

/// How many running teams post on time.
#[derive(Debug, Serialize, ToSchema)]
pub struct Teams {
    pub up_to_date: usize,
    pub late: usize,
    pub late_products: Vec<String>,
}

/// `?incubator=&thematique=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PortfolioQuery {
    /// Only this incubator's products (its slug).
    pub incubator: Option<String>,
    /// Only products with this thematique in their sheet (accents and case ignored), as
    /// `GET /products?thematique=`.
    pub thematique: Option<String>,
}

/// Counts per phase, overdue products, teams up to date, and contract figures (mean and median
/// drifts, objectives per status, reviews overdue), of one incubator and one thematique if
/// asked.
#[utoipa::path(
    operation_id = "portfolio_summary",
    tag = "portfolio",
    security(("bearer" = [])),
    params(PortfolioQuery),
    responses(
        (status = 200, description = "The portfolio at a glance", body = Portfolio),
        (status = 404, description = "`incubator` is not a valid slug", body = ErrorEnvelope),
        (status = 422, description = "Invalid query", body = ErrorEnvelope),
        Unauthorized, PersonsOnly, DatabaseDown,
    ),
)]
#[get("/portfolio")]
pub async fn summary(
    principal: Principal,
    db: web::Data<Database>,
    query: web::Query<PortfolioQuery>,
) -> Result<web::Json<Portfolio>, ApiError> {
    access::person_allowed(&principal, Action::Read)?;
    let query = query.into_inner();
    let thematique = query.thematique.filter(|t| !t.trim().is_empty());
    let incubator = query
        .incubator
        .as_deref()
        .map(|s| scope::slug(s, "incubator"))
        .transpose()?;
    let today = Utc::now().date_naive();
    let (overviews, pulses, statuses, committees) = db::read(&db, move |c| {
        let mut overviews = products::overviews(c, incubator.as_ref(), today)?;
        let mut committees = committees::due(c, incubator.as_ref(), today)?;
        if let Some(thematique) = thematique {
            let with = sheets::with_thematique(c, &thematique)?;
            overviews.retain(|o| with.contains(&o.id));
            committees.retain(|d| overviews.iter().any(|o| o.product.slug == d.slug));
        }
        let running: Vec<_> = overviews
            .iter()
            .filter(|o| o.status != pilote_domain::ProductStatus::Stopped)
            .map(|o| o.id)
            .collect();
        let statuses = contract_status::of_products(c, &running, today)?;
        Ok((overviews, pulse::pulses(c, today)?, statuses, committees))
    })
    .await?;
    let g = glance(overviews.iter().map(|o| GlanceEntry {
        key: o,
        status: o.status,
        overdue_since: o.overdue_since,
        late: pulses.get(&o.id).is_some_and(|p| p.late),
    }));
    let phases: BTreeMap<&'static str, usize> =
        g.by_status.iter().map(|(s, n)| (s.as_str(), *n)).collect();
    let overdue = g
        .overdue
        .iter()
        .map(|(o, since)| OverdueItem {
            slug: o.product.slug.to_string(),
            name: o.product.name.clone(),
            phase: o.status.as_str(),
            phase_started_on: o.phase_started_on,
            overdue_since: *since,
        })
        .collect();
    let teams = Teams {
        up_to_date: g.up_to_date,
        late: g.late.len(),
        late_products: g.late.iter().map(|o| o.product.slug.to_string()).collect(),
    };
    Ok(web::Json(Portfolio {
        products: overviews.len(),
        phases,
        overdue,
        teams,
        contracts: summarize(statuses.iter().map(|(_, s)| s)).into(),
        committees: committees
            .into_iter()
            .map(|d| CommitteeItem {
                slug: d.slug.to_string(),
                name: d.name,
                last_on: d.last_on,
                due_on: d.due_on,
                state: match d.state {
                    pilote_domain::CommitteeState::ToSchedule => "to_schedule",
                    pilote_domain::CommitteeState::Overdue => "overdue",
                },
            })
            .collect(),
    }))
}
