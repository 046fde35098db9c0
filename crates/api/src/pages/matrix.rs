//! `/produits/{slug}/matrice` and `/matrice`: the « matrice d'impact » of a product (the five
//! principles, each indicator's latest value and one-year evolution, the mandatory slots, the
//! efficiency figures with how each is computed, the certification level) and of the
//! portfolio (one row per running product, filtered and sorted, with the efficiency chart).
//! Any signed-in person reads them, as the API's `GET …/matrix` and
//! `GET /api/v1/portfolio/matrix`, through the same service.

use actix_web::{get, web};
use askama::Template;
use chrono::Utc;
use pilote_charts::{Format, french};
use pilote_domain::{
    CertificationLevel, Efficiency, EfficiencyYear, IndicatorCell, MatrixSort, Period, Phase,
    SlotState, SortOrder,
};
use pilote_store::{
    Database,
    repo::{incubators, sheets},
};
use serde::Deserialize;

use super::{
    Nav,
    charts::{ChartBlock, size, svg},
    forms::{Choice, PageResult, SignedIn},
    product_nav::{ProductNav, Tab},
    render,
    stats::{certification_label, evolution, with_unit},
};
use crate::{
    db,
    service::{
        chart_data,
        matrix::{self, PortfolioQuery},
        scope::scope_of,
    },
};

/// A figure with its unit, or « — ».
fn figure(value: Option<f64>, unit: &str) -> String {
    value.map_or_else(|| "—".to_owned(), |v| with_unit(v, unit))
}

/// A number, or « — ».
fn number(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), french::number_auto)
}

/// The badge class of a slot's state.
fn slot_class(state: SlotState) -> &'static str {
    match state {
        SlotState::Ok => "green",
        SlotState::Stale => "amber",
        SlotState::Missing => "red",
    }
}

/// One indicator in its principle's table.
struct IndicatorRow {
    label: String,
    north_star: bool,
    latest: String,
    period: String,
    year_before: String,
    evolution: String,
    objective: &'static str,
}

fn indicator_row(cell: &IndicatorCell) -> IndicatorRow {
    let unit = &cell.indicator.unit;
    let value = |v: Option<pilote_domain::PeriodValue>| {
        v.map_or_else(|| "—".to_owned(), |v| with_unit(v.value, unit))
    };
    IndicatorRow {
        label: cell.indicator.label.clone(),
        north_star: cell.indicator.north_star,
        latest: value(cell.latest),
        period: cell.latest.map_or_else(String::new, |l| {
            french::period(Period::containing(cell.indicator.periodicity, l.period))
        }),
        year_before: value(cell.year_before),
        evolution: evolution(cell.evolution_pct),
        objective: cell
            .objective
            .map_or("Sans objectif", pilote_domain::ObjectiveStatus::label_fr),
    }
}

struct PrincipleBlock {
    heading: &'static str,
    rows: Vec<IndicatorRow>,
}

struct SlotRow {
    label: &'static str,
    state: &'static str,
    class: &'static str,
    /// The key of the indicator filling it.
    indicator: Option<String>,
}

/// One efficiency figure for each year, and its evolution; the template names it and says
/// how it is computed.
struct EfficiencyRow {
    current: String,
    previous: String,
    evolution: String,
}

/// The cost per impact of one `impactful` indicator.
struct ImpactRow {
    indicator: String,
    cost: EfficiencyRow,
    impact: String,
    previous_impact: String,
}

/// The efficiency figures, formatted.
struct EfficiencyView {
    current_window: String,
    previous_window: String,
    spend_months: (u32, u32),
    user_months: (u32, u32),
    budget: EfficiencyRow,
    users: EfficiencyRow,
    cost: EfficiencyRow,
    impacts: Vec<ImpactRow>,
    /// Whether the cost per active user fell; `None` when a year's figure is missing.
    cost_fell: Option<bool>,
}

fn window(y: &EfficiencyYear) -> String {
    format!(
        "{} {} – {} {}",
        french::month(y.from),
        y.from.format("%Y"),
        french::month(y.to),
        y.to.format("%Y")
    )
}

#[derive(Template)]
#[template(path = "matrix.html")]
struct MatrixPage {
    nav: Nav,
    product_nav: ProductNav,
    name: String,
    today: String,
    certification: String,
    principles: Vec<PrincipleBlock>,
    slots: Vec<SlotRow>,
    efficiency: EfficiencyView,
}

fn efficiency(e: &Efficiency) -> EfficiencyView {
    let (now, before) = (&e.current, &e.previous);
    let euros = |v: Option<f64>| figure(v, "€");
    let budget = |y: &EfficiencyYear| euros(y.budget.map(|b| b as f64));
    EfficiencyView {
        current_window: window(now),
        previous_window: window(before),
        spend_months: (now.spend_months, before.spend_months),
        user_months: (now.user_months, before.user_months),
        budget: EfficiencyRow {
            current: budget(now),
            previous: budget(before),
            evolution: evolution(e.budget_evolution_pct),
        },
        users: EfficiencyRow {
            current: number(now.mean_monthly_active_users),
            previous: number(before.mean_monthly_active_users),
            evolution: evolution(e.users_evolution_pct),
        },
        cost: EfficiencyRow {
            current: euros(now.cost_per_active_user),
            previous: euros(before.cost_per_active_user),
            evolution: evolution(e.cost_per_active_user_evolution_pct),
        },
        impacts: e
            .cost_per_impact
            .iter()
            .map(|c| ImpactRow {
                indicator: c.indicator.to_string(),
                cost: EfficiencyRow {
                    current: euros(c.cost),
                    previous: euros(c.previous_cost),
                    evolution: evolution(c.evolution_pct),
                },
                impact: number(c.impact),
                previous_impact: number(c.previous_impact),
            })
            .collect(),
        cost_fell: e.cost_grew_slower_than_use,
    }
}

/// The product's matrix, today.
#[get("/produits/{slug}/matrice")]
pub async fn product_matrix(
    user: SignedIn,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let today = Utc::now().date_naive();
    let found = matrix::of_product(&db, &user.principal(), &slug, today).await?;
    let scope = scope_of(&db, &slug).await?;
    let m = &found.matrix;
    let page = MatrixPage {
        product_nav: ProductNav::new(
            &user.user.user,
            &scope,
            &found.name,
            Tab::Matrix,
            Some("Matrice d'impact"),
        ),
        nav: user.nav,
        name: found.name.clone(),
        today: french::date(today),
        certification: certification_label(found.certification),
        principles: m
            .principles
            .iter()
            .map(|p| PrincipleBlock {
                heading: p.principle.label_fr(),
                rows: p.indicators.iter().map(indicator_row).collect(),
            })
            .collect(),
        slots: m
            .slots
            .iter()
            .map(|s| SlotRow {
                label: s.role.label_fr(),
                state: s.state.label_fr(),
                class: slot_class(s.state),
                indicator: s.indicator.as_ref().map(ToString::to_string),
            })
            .collect(),
        efficiency: efficiency(&m.efficiency),
    };
    Ok(render(&page))
}

/// `?incubateur=&phase=&thematique=&tri=&ordre=`, as the filter form sends them (blank: all).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PortfolioFilters {
    incubateur: String,
    phase: String,
    thematique: String,
    tri: String,
    ordre: String,
}

impl PortfolioFilters {
    fn query(&self) -> PortfolioQuery {
        let given = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        PortfolioQuery {
            incubator: given(&self.incubateur),
            phase: given(&self.phase),
            thematique: given(&self.thematique),
            sort: given(&self.tri),
            order: given(&self.ordre),
        }
    }
}

/// A sortable column's heading: its link sorts by it, ascending, or the other way when it
/// is the sort applied.
struct SortLink {
    label: &'static str,
    href: String,
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    aria: &'static str,
}

struct PortfolioRowView {
    slug: String,
    name: String,
    incubator: String,
    phase: &'static str,
    completeness: u8,
    complete: bool,
    missing: String,
    cost: String,
    cost_evolution: String,
    users_evolution: String,
    north_star_evolution: String,
    certification: &'static str,
}

#[derive(Template)]
#[template(path = "matrix_portfolio.html")]
struct PortfolioMatrixPage {
    nav: Nav,
    today: String,
    complete: usize,
    incomplete: usize,
    sorted_by: String,
    incubators: Vec<Choice>,
    phases: Vec<Choice>,
    thematiques: Vec<Choice>,
    filters: PortfolioFilters,
    columns: Vec<SortLink>,
    rows: Vec<PortfolioRowView>,
    chart: ChartBlock,
}

/// The link of a column sorted by `sort`, keeping the filters.
fn sort_link(
    filters: &PortfolioFilters,
    (sort, order): (MatrixSort, SortOrder),
    column: MatrixSort,
    label: &'static str,
) -> SortLink {
    let current = sort == column;
    let next = if current && order == SortOrder::Asc {
        SortOrder::Desc
    } else {
        SortOrder::Asc
    };
    let mut query = vec![
        ("tri", column.as_str().to_owned()),
        ("ordre", next.as_str().to_owned()),
    ];
    let wanted = filters.query();
    query.extend(wanted.incubator.map(|i| ("incubateur", i)));
    query.extend(wanted.phase.map(|p| ("phase", p)));
    // A thematique is free text: encoded. Every other value is a slug or a key of the
    // domain's lists (the service refused anything else before the page is drawn).
    query.extend(
        wanted
            .thematique
            .map(|t| ("thematique", super::session::encode(&t))),
    );
    let href: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let href = href.join("&");
    SortLink {
        label,
        href: format!("/matrice?{href}"),
        aria: match (current, order) {
            (false, _) => "none",
            (true, SortOrder::Asc) => "ascending",
            (true, SortOrder::Desc) => "descending",
        },
    }
}

/// The portfolio's matrix, filtered and sorted as the query says.
#[get("/matrice")]
pub async fn portfolio_matrix(
    user: SignedIn,
    db: web::Data<Database>,
    filters: web::Query<PortfolioFilters>,
) -> PageResult {
    let filters = filters.into_inner();
    let today = Utc::now().date_naive();
    let found = matrix::portfolio(&db, &user.principal(), filters.query(), today).await?;
    let incubator = filters.query().incubator;
    let cache = db.matrix_cache();
    let (all_incubators, scatter, all_thematiques) = db::read(&db, move |c| {
        let incubator = incubator
            .map(|s| pilote_domain::Slug::parse(&s))
            .transpose()
            .ok()
            .flatten();
        Ok((
            incubators::list(c)?,
            chart_data::efficiency(c, &cache, incubator.as_ref(), today)?,
            sheets::thematiques(c)?,
        ))
    })
    .await?;
    let chart = ChartBlock {
        title: scatter.title.clone(),
        alt: format!(
            "Nuage de points de {} produits : en abscisse l'évolution de l'usage sur un an, en \
             ordonnée le coût par usager actif ; le tableau qui suit en donne les valeurs.",
            scatter.points.len()
        ),
        svg: svg(pilote_charts::efficiency_chart(
            &scatter,
            size(900, 560)?,
            Format::Svg,
        ))?,
        headers: vec!["Produit", "Coût par usager actif", "Évolution de l'usage"],
        rows: scatter
            .points
            .iter()
            .map(|p| {
                vec![
                    p.name.clone(),
                    figure(Some(p.cost_per_active_user), "€"),
                    evolution(Some(p.users_growth_pct)),
                ]
            })
            .collect(),
    };
    let by = (found.sort, found.order);
    let columns = [
        (MatrixSort::Name, "Produit"),
        (MatrixSort::Completeness, "Complétude"),
        (MatrixSort::CostPerActiveUser, "Coût par usager actif"),
        (
            MatrixSort::CostPerActiveUserEvolution,
            "Évolution du coût par usager",
        ),
        (MatrixSort::UsersEvolution, "Évolution de l'usage"),
        (
            MatrixSort::NorthStarEvolution,
            "Évolution de l'étoile polaire",
        ),
    ]
    .into_iter()
    .map(|(column, label)| sort_link(&filters, by, column, label))
    .collect();
    let rows = found
        .rows
        .iter()
        .map(|r| {
            let s = &r.summary;
            let missing: Vec<_> = r
                .matrix
                .slots
                .iter()
                .filter(|slot| slot.state != SlotState::Ok)
                .map(|slot| format!("{} ({})", slot.role.label_fr(), slot.state.label_fr()))
                .collect();
            PortfolioRowView {
                slug: r.overview.product.slug.to_string(),
                name: r.overview.product.name.clone(),
                incubator: r.overview.incubator_name.clone(),
                phase: r.overview.status.label_fr(),
                completeness: s.completeness,
                complete: s.is_complete(),
                missing: missing.join(", "),
                cost: figure(s.cost_per_active_user, "€"),
                cost_evolution: evolution(s.cost_per_active_user_evolution_pct),
                users_evolution: evolution(s.users_evolution_pct),
                north_star_evolution: evolution(s.north_star_evolution_pct),
                certification: r
                    .certification
                    .map_or(CertificationLevel::None, |c| c.level())
                    .label_fr(),
            }
        })
        .collect();
    let incubators = Choice::list(
        all_incubators
            .into_iter()
            .map(|(_, i)| (i.slug.to_string(), i.name)),
        filters.incubateur.trim(),
    );
    let phases = Choice::list(
        Phase::ALL.map(|p| (p.as_str(), p.label_fr())),
        filters.phase.trim(),
    );
    let page = PortfolioMatrixPage {
        nav: user.nav,
        today: french::date(today),
        complete: found.complete,
        incomplete: found.incomplete,
        sorted_by: format!(
            "{}, {}",
            found.sort.label_fr(),
            found.order.label_fr().to_lowercase()
        ),
        incubators,
        phases,
        thematiques: Choice::list(
            all_thematiques.iter().map(|t| (t.clone(), t.clone())),
            filters.thematique.trim(),
        ),
        filters,
        columns,
        rows,
        chart,
    };
    Ok(render(&page))
}
