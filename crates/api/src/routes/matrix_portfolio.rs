//! `GET /api/v1/portfolio/matrix`: one row per running product of the « matrice d'impact »
//! (completeness, cost per active user and its evolution, the north star's evolution), sorted,
//! with the counts of complete and incomplete matrices. Rules in `docs/impact.md`.

use actix_web::{get, web};
use chrono::{NaiveDate, Utc};
use pilote_domain::MatrixRole;
use pilote_store::Database;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{matrix::SlotStateItem, matrix_certification::CertificationItem};
use crate::{
    auth::Principal,
    error::{ApiError, ErrorEnvelope, responses::*},
    openapi,
    service::matrix::{self, PortfolioQuery, PortfolioRow},
};

/// `?incubator=&phase=&sort=&order=&at=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PortfolioMatrixQuery {
    /// Only this incubator's products (its slug).
    pub incubator: Option<String>,
    /// Only products in this phase.
    #[param(value_type = Option<openapi::Phase>)]
    pub phase: Option<String>,
    /// Only products with this thematique in their sheet (accents and case ignored).
    pub thematique: Option<String>,
    /// `name`, `completeness` (default), `cost_per_active_user`,
    /// `cost_per_active_user_evolution`, `users_evolution` or `north_star_evolution`.
    pub sort: Option<String>,
    /// `asc` (default) or `desc`; rows without the figure come last either way.
    pub order: Option<String>,
    /// The matrix date (default: today).
    pub at: Option<NaiveDate>,
}

/// A mandatory slot's state in a portfolio row.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioSlotItem {
    #[schema(value_type = openapi::MatrixRole)]
    pub role: MatrixRole,
    pub state: SlotStateItem,
}

/// One running product's matrix, summarized.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioMatrixRow {
    pub slug: String,
    pub name: String,
    pub incubator: String,
    #[schema(value_type = openapi::ProductStatus)]
    pub phase: &'static str,
    /// Mandatory slots `ok`, out of 4.
    #[schema(minimum = 0, maximum = 4)]
    pub completeness: u8,
    /// All four mandatory slots are `ok`.
    pub complete: bool,
    pub slots: Vec<PortfolioSlotItem>,
    /// Budget of the last 12 complete months ÷ their mean monthly active users, in euros.
    pub cost_per_active_user: Option<f64>,
    /// Its evolution against the 12 months before, in %.
    pub cost_per_active_user_evolution_pct: Option<f64>,
    /// Evolution of the mean monthly active users over one year, in %.
    pub users_evolution_pct: Option<f64>,
    /// Whether the cost per active user fell; null when a year's figure is missing.
    pub cost_grew_slower_than_use: Option<bool>,
    /// The north star's key.
    pub north_star: Option<String>,
    /// The north star's latest value against the same period a year before, in %.
    pub north_star_evolution_pct: Option<f64>,
    /// The matrix's certification level (set by administrators).
    pub certification: CertificationItem,
}

/// The portfolio's matrix.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioMatrix {
    pub at: NaiveDate,
    /// Products whose four mandatory slots are `ok`.
    pub complete: usize,
    /// The others.
    pub incomplete: usize,
    /// The sort applied.
    #[schema(example = "completeness")]
    pub sort: &'static str,
    #[schema(example = "asc")]
    pub order: &'static str,
    pub products: Vec<PortfolioMatrixRow>,
}

fn row(r: PortfolioRow) -> PortfolioMatrixRow {
    let (overview, summary) = (r.overview, r.summary);
    PortfolioMatrixRow {
        certification: CertificationItem::of(r.certification),
        slug: overview.product.slug.to_string(),
        name: overview.product.name,
        incubator: overview.product.incubator.to_string(),
        phase: overview.status.as_str(),
        completeness: summary.completeness,
        complete: summary.is_complete(),
        slots: r
            .matrix
            .slots
            .iter()
            .map(|s| PortfolioSlotItem {
                role: s.role,
                state: s.state.into(),
            })
            .collect(),
        cost_per_active_user: summary.cost_per_active_user,
        cost_per_active_user_evolution_pct: summary.cost_per_active_user_evolution_pct,
        users_evolution_pct: summary.users_evolution_pct,
        cost_grew_slower_than_use: summary.cost_grew_slower_than_use,
        north_star: summary.north_star.map(|k| k.to_string()),
        north_star_evolution_pct: summary.north_star_evolution_pct,
    }
}

/// Every running product's matrix in one row (completeness out of 4, cost per active user
/// and its evolution, growth of use, the north star's evolution), sorted, with the counts of
/// complete and incomplete matrices. Filtered like the portfolio by incubator, phase and
/// thematique.
#[utoipa::path(
    operation_id = "portfolio_matrix",
    tag = "portfolio",
    security(("bearer" = [])),
    params(PortfolioMatrixQuery),
    responses(
        (status = 200, description = "The portfolio's matrix", body = PortfolioMatrix),
        (status = 404, description = "`incubator` is not a valid slug", body = ErrorEnvelope),
        (status = 422, description = "Unknown `sort`, `order` or `phase`, or `at` not a date", body = ErrorEnvelope),
        Unauthorized, PersonsOnly, DatabaseDown,
    ),
)]
#[get("/portfolio/matrix")]
pub async fn portfolio(
    principal: Principal,
    db: web::Data<Database>,
    query: web::Query<PortfolioMatrixQuery>,
) -> Result<web::Json<PortfolioMatrix>, ApiError> {
    let query = query.into_inner();
    let at = query.at.unwrap_or_else(|| Utc::now().date_naive());
    let wanted = PortfolioQuery {
        incubator: query.incubator,
        phase: query.phase,
        thematique: query.thematique,
        sort: query.sort,
        order: query.order,
    };
    let found = matrix::portfolio(&db, &principal, wanted, at).await?;
    Ok(web::Json(PortfolioMatrix {
        at,
        complete: found.complete,
        incomplete: found.incomplete,
        sort: found.sort.as_str(),
        order: found.order.as_str(),
        products: found.rows.into_iter().map(row).collect(),
    }))
}
