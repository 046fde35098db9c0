//! `GET /api/v1/portfolio/matrix`: one row per running product of the « matrice d'impact »
//! (completeness, cost per active user and its evolution, the north star's evolution), sorted,
//! with the counts of complete and incomplete matrices. Rules in `docs/impact.md`.

use actix_web::{get, web};
use chrono::{NaiveDate, Utc};
use pilote_domain::{
    Certification, Matrix, MatrixRole, MatrixSort, MatrixSummary, Phase, ProductStatus, SortOrder,
    access::Action, completeness_counts, sort_matrix_rows, summarize_matrix,
};
use pilote_store::{
    Database,
    repo::{matrix_certification, matrix_portfolio, products},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{matrix::SlotStateItem, matrix_certification::CertificationItem};
use crate::{
    access,
    auth::Principal,
    db,
    error::{ApiError, ErrorEnvelope},
    openapi,
    service::scope,
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

fn parse<T>(
    value: Option<&str>,
    default: T,
    field: &str,
    parse: fn(&str) -> pilote_domain::DomainResult<T>,
    names: &[&str],
) -> Result<T, ApiError> {
    value.map_or(Ok(default), |v| {
        parse(v).map_err(|_| ApiError::Invalid {
            field: field.to_owned(),
            problem: format!("unknown {field} {v:?}: must be one of {}", names.join(", ")),
        })
    })
}

fn row(
    overview: products::ProductOverview,
    matrix: &Matrix,
    summary: MatrixSummary,
    certification: Option<Certification>,
) -> PortfolioMatrixRow {
    PortfolioMatrixRow {
        certification: CertificationItem::of(certification),
        slug: overview.product.slug.to_string(),
        name: overview.product.name,
        incubator: overview.product.incubator.to_string(),
        phase: overview.status.as_str(),
        completeness: summary.completeness,
        complete: summary.is_complete(),
        slots: matrix
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
/// complete and incomplete matrices. Filtered like the portfolio by incubator and phase.
#[utoipa::path(
    operation_id = "portfolio_matrix",
    tag = "portfolio",
    security(("bearer" = [])),
    params(PortfolioMatrixQuery),
    responses(
        (status = 200, description = "The portfolio's matrix", body = PortfolioMatrix),
        (status = 401, description = "Missing or invalid bearer token", body = ErrorEnvelope,
         headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        (status = 403, description = "An API token", body = ErrorEnvelope),
        (status = 404, description = "`incubator` is not a valid slug", body = ErrorEnvelope),
        (status = 422, description = "Unknown `sort`, `order` or `phase`, or `at` not a date", body = ErrorEnvelope),
        (status = 503, description = "The database is out of reach", body = ErrorEnvelope),
    ),
)]
#[get("/portfolio/matrix")]
pub async fn portfolio(
    principal: Principal,
    db: web::Data<Database>,
    query: web::Query<PortfolioMatrixQuery>,
) -> Result<web::Json<PortfolioMatrix>, ApiError> {
    access::person_allowed(&principal, Action::Read)?;
    let query = query.into_inner();
    let sort_names = MatrixSort::ALL.map(MatrixSort::as_str);
    let sort = parse(
        query.sort.as_deref(),
        MatrixSort::Completeness,
        "sort",
        MatrixSort::parse,
        &sort_names,
    )?;
    let order = parse(
        query.order.as_deref(),
        SortOrder::Asc,
        "order",
        SortOrder::parse,
        &["asc", "desc"],
    )?;
    // Only running products have a row: `stopped` is not a choice here.
    let phase_names = Phase::ALL.map(Phase::as_str);
    let phase = query
        .phase
        .as_deref()
        .map(|p| {
            parse(
                Some(p),
                Phase::Investigation,
                "phase",
                Phase::parse,
                &phase_names,
            )
        })
        .transpose()?;
    let incubator = query
        .incubator
        .as_deref()
        .map(|s| scope::slug(s, "incubator"))
        .transpose()?;
    let at = query.at.unwrap_or_else(|| Utc::now().date_naive());
    let (overviews, mut matrices, certifications) = db::read(&db, move |c| {
        let overviews: Vec<_> = products::overviews(c, incubator.as_ref(), at)?
            .into_iter()
            .filter(|o| o.status != ProductStatus::Stopped)
            .filter(|o| phase.is_none_or(|p| o.status == ProductStatus::Active(p)))
            .collect();
        let ids: Vec<_> = overviews.iter().map(|o| o.id).collect();
        let matrices = matrix_portfolio::of_products(c, &ids, at)?;
        Ok((overviews, matrices, matrix_certification::all(c)?))
    })
    .await?;
    let mut rows: Vec<(PortfolioMatrixRow, MatrixSummary)> = overviews
        .into_iter()
        .filter_map(|o| {
            let matrix = matrices.remove(&o.id)?;
            let summary = summarize_matrix(&matrix);
            let certification = certifications.get(&o.id).copied();
            Some((row(o, &matrix, summary.clone(), certification), summary))
        })
        .collect();
    sort_matrix_rows(&mut rows, sort, order, |(r, s)| (r.name.as_str(), s));
    let (complete, incomplete) = completeness_counts(rows.iter().map(|(_, s)| s));
    Ok(web::Json(PortfolioMatrix {
        at,
        complete,
        incomplete,
        sort: sort.as_str(),
        order: order.as_str(),
        products: rows.into_iter().map(|(r, _)| r).collect(),
    }))
}
