//! `/api/v1/products/{slug}/matrix`: the DINUM « matrice d'impact » of a product, computed by
//! `pilote_domain::matrix` (rules in `docs/impact.md`).

use actix_web::{get, web};
use chrono::{NaiveDate, Utc};
use pilote_domain::{
    Certification, CostPerImpact, Efficiency, EfficiencyYear, IndicatorCell, Matrix, MatrixRole,
    ObjectiveStatus, PeriodValue, Principle, PrincipleColumn, Slot, SlotState,
};
use pilote_store::Database;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{indicators::IndicatorItem, matrix_certification::CertificationItem};
use crate::{
    auth::Principal,
    error::{ApiError, ErrorEnvelope, responses::*},
    openapi,
    service::matrix,
};

/// `?at=DATE`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatrixQuery {
    /// The matrix date (default: today).
    pub at: Option<NaiveDate>,
}

/// A value and the start of its period.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodValueItem {
    /// The start of its period (a Monday or a 1st).
    pub period: NaiveDate,
    pub value: f64,
}

impl From<PeriodValue> for PeriodValueItem {
    fn from(v: PeriodValue) -> Self {
        PeriodValueItem {
            period: v.period,
            value: v.value,
        }
    }
}

/// An indicator in its principle's column.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatrixIndicatorItem {
    pub indicator: IndicatorItem,
    /// The latest value whose period starts on or before the matrix date.
    pub latest: Option<PeriodValueItem>,
    /// The value of the same period a year before the latest (12 months, or 52 weeks).
    pub year_before: Option<PeriodValueItem>,
    /// (latest − year before) ÷ |year before| × 100; null without both or from zero.
    pub evolution_pct: Option<f64>,
    /// The status of the indicator's contract objective, if it has one.
    #[schema(value_type = Option<openapi::ObjectiveStatus>)]
    pub objective_status: Option<ObjectiveStatus>,
}

impl From<IndicatorCell> for MatrixIndicatorItem {
    fn from(c: IndicatorCell) -> Self {
        MatrixIndicatorItem {
            indicator: c.indicator.into(),
            latest: c.latest.map(Into::into),
            year_before: c.year_before.map(Into::into),
            evolution_pct: c.evolution_pct,
            objective_status: c.objective,
        }
    }
}

/// One of the five columns of the matrix.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrincipleItem {
    #[schema(value_type = openapi::Principle)]
    pub principle: Principle,
    /// Its French name, as the matrix shows it.
    #[schema(example = "Utilisable")]
    pub label: &'static str,
    pub indicators: Vec<MatrixIndicatorItem>,
}

impl From<PrincipleColumn> for PrincipleItem {
    fn from(c: PrincipleColumn) -> Self {
        PrincipleItem {
            principle: c.principle,
            label: c.principle.label_fr(),
            indicators: c.indicators.into_iter().map(Into::into).collect(),
        }
    }
}

/// Whether a mandatory slot is filled.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SlotStateItem {
    /// Its indicator has a value in the last two complete periods.
    Ok,
    /// No indicator has this role.
    Missing,
    /// Its indicator has no value in the last two complete periods.
    Stale,
}

impl From<SlotState> for SlotStateItem {
    fn from(s: SlotState) -> Self {
        match s {
            SlotState::Ok => SlotStateItem::Ok,
            SlotState::Missing => SlotStateItem::Missing,
            SlotState::Stale => SlotStateItem::Stale,
        }
    }
}

/// A mandatory slot of the matrix.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotItem {
    #[schema(value_type = openapi::MatrixRole)]
    pub role: MatrixRole,
    /// Its French name.
    pub label: &'static str,
    pub state: SlotStateItem,
    /// The key of the indicator filling it.
    pub indicator: Option<String>,
}

impl From<Slot> for SlotItem {
    fn from(s: Slot) -> Self {
        SlotItem {
            role: s.role,
            label: s.role.label_fr(),
            state: s.state.into(),
            indicator: s.indicator.map(|k| k.to_string()),
        }
    }
}

/// The efficiency figures of 12 complete calendar months.
#[derive(Debug, Serialize, ToSchema)]
pub struct EfficiencyYearItem {
    /// The 1st of the first month.
    pub from: NaiveDate,
    /// The 1st of the last month.
    pub to: NaiveDate,
    /// Euros spent over those months; null when none has spend.
    pub budget: Option<i64>,
    /// How many of the 12 months have spend.
    pub spend_months: u32,
    /// Mean of the monthly active users of the months that have a value.
    pub mean_monthly_active_users: Option<f64>,
    /// How many of the 12 months have a monthly-active-users value.
    pub user_months: u32,
    /// Budget ÷ mean monthly active users, in euros; null when either is missing or the
    /// mean is not positive.
    pub cost_per_active_user: Option<f64>,
}

impl From<EfficiencyYear> for EfficiencyYearItem {
    fn from(y: EfficiencyYear) -> Self {
        EfficiencyYearItem {
            from: y.from,
            to: y.to,
            budget: y.budget,
            spend_months: y.spend_months,
            mean_monthly_active_users: y.mean_monthly_active_users,
            user_months: y.user_months,
            cost_per_active_user: y.cost_per_active_user,
        }
    }
}

/// Cost per impact of one `impactful` indicator.
#[derive(Debug, Serialize, ToSchema)]
pub struct CostPerImpactItem {
    pub indicator: String,
    /// Sum of its monthly values over the last 12 complete months.
    pub impact: Option<f64>,
    /// Budget ÷ impact, in euros.
    pub cost: Option<f64>,
    pub previous_impact: Option<f64>,
    pub previous_cost: Option<f64>,
    pub evolution_pct: Option<f64>,
}

impl From<CostPerImpact> for CostPerImpactItem {
    fn from(c: CostPerImpact) -> Self {
        CostPerImpactItem {
            indicator: c.indicator.to_string(),
            impact: c.impact,
            cost: c.cost,
            previous_impact: c.previous_impact,
            previous_cost: c.previous_cost,
            evolution_pct: c.evolution_pct,
        }
    }
}

/// The efficiency column, computed by Pilote from spend and monthly active users.
#[derive(Debug, Serialize, ToSchema)]
pub struct EfficiencyItem {
    /// The 12 complete calendar months before the matrix date.
    pub current: EfficiencyYearItem,
    /// The 12 months before those.
    pub previous: EfficiencyYearItem,
    pub budget_evolution_pct: Option<f64>,
    pub users_evolution_pct: Option<f64>,
    pub cost_per_active_user_evolution_pct: Option<f64>,
    pub cost_per_impact: Vec<CostPerImpactItem>,
    /// Whether the cost per active user fell; null when a year's figure is missing.
    pub cost_grew_slower_than_use: Option<bool>,
}

impl From<Efficiency> for EfficiencyItem {
    fn from(e: Efficiency) -> Self {
        EfficiencyItem {
            current: e.current.into(),
            previous: e.previous.into(),
            budget_evolution_pct: e.budget_evolution_pct,
            users_evolution_pct: e.users_evolution_pct,
            cost_per_active_user_evolution_pct: e.cost_per_active_user_evolution_pct,
            cost_per_impact: e.cost_per_impact.into_iter().map(Into::into).collect(),
            cost_grew_slower_than_use: e.cost_grew_slower_than_use,
        }
    }
}

/// A product's « matrice d'impact » at a date.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatrixItem {
    pub at: NaiveDate,
    /// The five principles, in matrix order.
    pub principles: Vec<PrincipleItem>,
    /// The four mandatory slots.
    pub slots: Vec<SlotItem>,
    pub efficiency: EfficiencyItem,
    /// Its certification level as it stands now (set by administrators), whatever `at`.
    pub certification: CertificationItem,
}

impl MatrixItem {
    fn new(m: Matrix, certification: Option<Certification>) -> Self {
        MatrixItem {
            at: m.at,
            principles: m.principles.into_iter().map(Into::into).collect(),
            slots: m.slots.into_iter().map(Into::into).collect(),
            efficiency: m.efficiency.into(),
            certification: CertificationItem::of(certification),
        }
    }
}

/// The product's « matrice d'impact » at a date: the five principles with their indicators
/// (latest value, value a year before, evolution, objective status), the four mandatory slots
/// (`ok`, `missing` or `stale`), the efficiency figures and the certification level. See
/// `docs/impact.md`.
#[utoipa::path(
    operation_id = "product_matrix",
    tag = "indicators",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The product's slug"), MatrixQuery),
    responses(
        (status = 200, description = "The matrix", body = MatrixItem),
        (status = 422, description = "`at` is not a date", body = ErrorEnvelope),
        Unauthorized, PersonsOnly, UnknownProduct, DatabaseDown,
    ),
)]
#[get("/products/{slug}/matrix")]
pub async fn get(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    query: web::Query<MatrixQuery>,
) -> Result<web::Json<MatrixItem>, ApiError> {
    let at = query.at.unwrap_or_else(|| Utc::now().date_naive());
    let found = matrix::of_product(&db, &principal, &path, at).await?;
    Ok(web::Json(MatrixItem::new(
        found.matrix,
        found.certification,
    )))
}
