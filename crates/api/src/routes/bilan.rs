//! `GET /api/v1/portfolio/bilan?year=&incubator=`: the year's results of the portfolio or of
//! one incubator, the figures beta.gouv reports each year. Rules in `docs/impact.md`.

use actix_web::{get, web};
use chrono::{Datelike, NaiveDate, Utc};
use pilote_domain::{
    BilanYear, Counted, Detail, OBJECTIVES_REACHED_SHARE, YearResults, access::Action,
};
use pilote_store::Database;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    access,
    auth::Principal,
    error::{ApiError, ErrorEnvelope, responses::*},
    service::{bilan, scope},
};

/// `?year=&incubator=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BilanQuery {
    /// The calendar year, from 2013 to the current one (default: the current one).
    pub year: Option<i32>,
    /// Only this incubator's products (its slug).
    pub incubator: Option<String>,
}

/// A product a figure counts, with the day of the event counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatedProduct {
    pub slug: String,
    pub name: String,
    pub on: NaiveDate,
}

/// A count and the products behind it, by name (French order).
#[derive(Debug, Serialize, ToSchema)]
pub struct DatedFigure {
    pub count: usize,
    pub products: Vec<DatedProduct>,
}

/// A product with objectives due in the year.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectivesProduct {
    pub slug: String,
    pub name: String,
    /// Its objectives whose deadline falls in the year, achieved at the status date.
    pub achieved: usize,
    /// Its objectives whose deadline falls in the year.
    pub due: usize,
    /// `achieved ≥ threshold × due`.
    pub reached: bool,
}

/// Products reaching their objectives.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectivesFigure {
    /// The share of its due objectives a product must have achieved (0.8).
    pub threshold: f64,
    /// Products with at least one objective due in the year.
    pub products_with_objectives_due: usize,
    /// Those that achieved at least `threshold` of them.
    pub products_reaching: usize,
    /// `products_reaching ÷ products_with_objectives_due`; null when none had objectives due.
    pub share: Option<f64>,
    pub products: Vec<ObjectivesProduct>,
}

/// A product's cost per active user over the year.
#[derive(Debug, Serialize, ToSchema)]
pub struct CostedProduct {
    pub slug: String,
    pub name: String,
    /// Budget of the year's 12 months ÷ their mean monthly active users, in euros.
    pub cost: f64,
}

/// The median cost per active user.
#[derive(Debug, Serialize, ToSchema)]
pub struct CostFigure {
    /// Null when no product has both a budget and monthly active users over the year.
    pub median: Option<f64>,
    pub products: Vec<CostedProduct>,
}

/// The year's results.
#[derive(Debug, Serialize, ToSchema)]
pub struct Bilan {
    pub year: i32,
    /// The incubator's slug; null for the whole portfolio.
    pub incubator: Option<String>,
    /// Objectives' status date: the year's last day, or today while the year runs.
    pub at: NaiveDate,
    /// Investigations opened in the year (a first entry in investigation).
    pub investigations_opened: DatedFigure,
    /// Products stopped in the year during their investigation.
    pub investigations_stopped: DatedFigure,
    /// Products launched: a first entry in construction in the year.
    pub launched: DatedFigure,
    pub objectives: ObjectivesFigure,
    /// Matrices validated as a service of national impact in the year.
    pub national_impact: DatedFigure,
    pub cost_per_active_user: CostFigure,
}

fn dated(list: &[Counted]) -> DatedFigure {
    let products = list
        .iter()
        .filter_map(|c| match c.detail {
            Detail::On(on) => Some(DatedProduct {
                slug: c.slug.to_string(),
                name: c.name.clone(),
                on,
            }),
            _ => None,
        })
        .collect::<Vec<_>>();
    DatedFigure {
        count: products.len(),
        products,
    }
}

impl Bilan {
    /// The API's shape of the domain's figures.
    pub fn of(results: &YearResults, incubator: Option<String>) -> Bilan {
        let objectives = results
            .with_objectives_due
            .iter()
            .filter_map(|c| match c.detail {
                Detail::Objectives { achieved, due } => Some(ObjectivesProduct {
                    slug: c.slug.to_string(),
                    name: c.name.clone(),
                    achieved,
                    due,
                    reached: results.objectives_reached.iter().any(|r| r.slug == c.slug),
                }),
                _ => None,
            })
            .collect();
        let costed = results
            .costed
            .iter()
            .filter_map(|c| match c.detail {
                Detail::Cost(cost) => Some(CostedProduct {
                    slug: c.slug.to_string(),
                    name: c.name.clone(),
                    cost,
                }),
                _ => None,
            })
            .collect();
        Bilan {
            year: results.year,
            incubator,
            at: results.at,
            investigations_opened: dated(&results.investigations_opened),
            investigations_stopped: dated(&results.investigations_stopped),
            launched: dated(&results.launched),
            objectives: ObjectivesFigure {
                threshold: OBJECTIVES_REACHED_SHARE,
                products_with_objectives_due: results.with_objectives_due.len(),
                products_reaching: results.objectives_reached.len(),
                share: results.objectives_reached_share(),
                products: objectives,
            },
            national_impact: dated(&results.national_impact),
            cost_per_active_user: CostFigure {
                median: results.median_cost_per_active_user,
                products: costed,
            },
        }
    }
}

/// The year's results of the portfolio, or of one incubator: investigations opened and
/// stopped, products launched, the share of products reaching at least 80 % of the objectives
/// due in the year, national-impact designations, the median cost per active user. Each
/// figure lists its products.
#[utoipa::path(
    operation_id = "portfolio_bilan",
    tag = "portfolio",
    security(("bearer" = [])),
    params(BilanQuery),
    responses(
        (status = 200, description = "The year's results", body = Bilan),
        (status = 404, description = "Unknown incubator", body = ErrorEnvelope),
        (status = 422, description = "`year` before 2013 or after the current year, or not a number", body = ErrorEnvelope),
        Unauthorized, PersonsOnly, DatabaseDown,
    ),
)]
#[get("/portfolio/bilan")]
pub async fn get(
    principal: Principal,
    db: web::Data<Database>,
    query: web::Query<BilanQuery>,
) -> Result<web::Json<Bilan>, ApiError> {
    access::person_allowed(&principal, Action::Read)?;
    let query = query.into_inner();
    let today = Utc::now().date_naive();
    let year = BilanYear::new(query.year.unwrap_or(today.year()), today)?;
    let incubator = query
        .incubator
        .as_deref()
        .map(|s| scope::slug(s, "incubator"))
        .transpose()?;
    let label = incubator.as_ref().map(ToString::to_string);
    let results = bilan::of_year(&db, incubator, year, today).await?;
    Ok(web::Json(Bilan::of(&results, label)))
}
