//! `GET /api/v1/portfolio`: the whole portfolio at a glance.

use std::collections::BTreeMap;

use actix_web::{get, web};
use chrono::{NaiveDate, Utc};
use pilote_domain::{Phase, access::Action};
use pilote_store::{
    Database,
    repo::{products, pulse},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::scope;
use crate::{
    access,
    auth::Principal,
    db,
    error::{ApiError, ErrorEnvelope},
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

/// `?incubator=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PortfolioQuery {
    /// Only this incubator's products (its slug).
    pub incubator: Option<String>,
}

/// Counts per phase, overdue products, teams up to date (of one incubator if asked).
#[utoipa::path(
    operation_id = "portfolio_summary",
    tag = "portfolio",
    security(("bearer" = [])),
    params(PortfolioQuery),
    responses(
        (status = 200, description = "The portfolio at a glance", body = Portfolio),
        (status = 401, description = "Missing or invalid bearer token", body = ErrorEnvelope,
         headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        (status = 403, description = "An API token", body = ErrorEnvelope),
        (status = 404, description = "`incubator` is not a valid slug", body = ErrorEnvelope),
        (status = 422, description = "Invalid query", body = ErrorEnvelope),
        (status = 503, description = "The database is out of reach", body = ErrorEnvelope),
    ),
)]
#[get("/portfolio")]
pub async fn summary(
    principal: Principal,
    db: web::Data<Database>,
    query: web::Query<PortfolioQuery>,
) -> Result<web::Json<Portfolio>, ApiError> {
    access::person_allowed(&principal, Action::Read)?;
    let incubator = query
        .into_inner()
        .incubator
        .as_deref()
        .map(|s| scope::slug(s, "incubator"))
        .transpose()?;
    let today = Utc::now().date_naive();
    let (overviews, pulses) = db::read(&db, move |c| {
        Ok((
            products::overviews(c, incubator.as_ref(), today)?,
            pulse::pulses(c, today)?,
        ))
    })
    .await?;
    let mut phases: BTreeMap<&'static str, usize> = Phase::ALL
        .iter()
        .map(|p| (p.as_str(), 0))
        .chain([("stopped", 0)])
        .collect();
    let mut overdue = Vec::new();
    let mut teams = Teams {
        up_to_date: 0,
        late: 0,
        late_products: Vec::new(),
    };
    for o in &overviews {
        *phases.entry(o.status.as_str()).or_default() += 1;
        if o.status == pilote_domain::ProductStatus::Stopped {
            continue;
        }
        if let Some(since) = o.overdue_since {
            overdue.push(OverdueItem {
                slug: o.product.slug.to_string(),
                name: o.product.name.clone(),
                phase: o.status.as_str(),
                phase_started_on: o.phase_started_on,
                overdue_since: since,
            });
        }
        if pulses.get(&o.id).is_some_and(|p| p.late) {
            teams.late += 1;
            teams.late_products.push(o.product.slug.to_string());
        } else {
            teams.up_to_date += 1;
        }
    }
    overdue.sort_by_key(|o| o.overdue_since);
    Ok(web::Json(Portfolio {
        products: overviews.len(),
        phases,
        overdue,
        teams,
    }))
}
