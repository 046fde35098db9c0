//! Chart inputs built from the store: shared by the chart routes and `pilote render`, so that a
//! slide and a page show the same picture.

use std::collections::HashMap;

use chrono::NaiveDate;
use pilote_charts::{
    Dashboard, DashboardPanel, DriftPoint, DriftScatter, ForecastLine, IndicatorChart,
    PortfolioPhases, Timeline, TimelineRow,
};
use pilote_domain::{
    FORECAST_MIN_POINTS, Indicator, Objective, Period, PhaseHistory, ProductStatus, Slug,
    forecast_points, theil_sen,
};
use pilote_store::{
    DbConnection, IncubatorId, IndicatorId, ProductId, StoreResult,
    repo::{
        contract_status, incubators, indicators,
        matrix_portfolio::{self, MatrixCache},
        measures, objectives, phases, products,
    },
};

/// The phase changes of a history, as chart markers: each phase's start after the first, and
/// the stop.
fn phase_changes(history: &PhaseHistory) -> Vec<(NaiveDate, ProductStatus)> {
    let mut changes: Vec<_> = history
        .records()
        .iter()
        .skip(1)
        .map(|r| (r.started_on, ProductStatus::Active(r.phase)))
        .collect();
    if let Some(stopped) = history.stopped_on() {
        changes.push((stopped, ProductStatus::Stopped));
    }
    changes
}

/// The contract objectives of a product, by indicator.
fn objectives_of(
    conn: &mut DbConnection,
    product: ProductId,
) -> StoreResult<HashMap<IndicatorId, Objective>> {
    Ok(objectives::list(conn, product)?
        .into_iter()
        .map(|o| (o.indicator_id, o.objective))
        .collect())
}

fn indicator_chart(
    conn: &mut DbConnection,
    id: IndicatorId,
    indicator: Indicator,
    objective: Option<Objective>,
    history: &PhaseHistory,
    today: NaiveDate,
) -> StoreResult<IndicatorChart> {
    let points = measures::series(conn, id, None)?
        .into_iter()
        .filter_map(|m| {
            Period::from_start(indicator.periodicity, m.period)
                .ok()
                .map(|p| (p, m.value))
        })
        .collect();
    Ok(IndicatorChart {
        title: indicator.label,
        unit: indicator.unit,
        direction: indicator.direction,
        periodicity: indicator.periodicity,
        points,
        objective,
        phase_changes: phase_changes(history),
        today,
        forecast: None,
    })
}

/// The Theil–Sen trend of the chart's last values (as the contract status forecasts it),
/// from the latest measure to the deadline; `None` without an objective, with too few values,
/// or once the deadline is past the latest measure.
fn forecast_line(chart: &IndicatorChart) -> Option<ForecastLine> {
    let objective = chart.objective.as_ref()?;
    let points = forecast_points(&chart.points, chart.today);
    if points.len() < FORECAST_MIN_POINTS {
        return None;
    }
    let trend = theil_sen(&points)?;
    let (latest, _) = *points.last()?;
    let deadline = objective.target.on;
    (deadline > latest).then(|| ForecastLine {
        from: (latest, trend.value_at(latest)),
        to: (deadline, trend.value_at(deadline)),
    })
}

/// One indicator's chart.
pub fn indicator(
    conn: &mut DbConnection,
    product: ProductId,
    key: &Slug,
    today: NaiveDate,
) -> StoreResult<IndicatorChart> {
    let (id, indicator) = indicators::find(conn, product, key)?;
    let history = phases::history(conn, product)?;
    let objective = objectives_of(conn, product)?.remove(&id);
    let mut chart = indicator_chart(conn, id, indicator, objective, &history, today)?;
    // Only the full chart draws the forecast: the dashboard's small panels stay as they were.
    chart.forecast = forecast_line(&chart);
    Ok(chart)
}

/// A product's indicators as small multiples, north star first.
pub fn dashboard(
    conn: &mut DbConnection,
    product: ProductId,
    today: NaiveDate,
) -> StoreResult<Dashboard> {
    let name = products::get(conn, product)?.name;
    let history = phases::history(conn, product)?;
    let mut objectives = objectives_of(conn, product)?;
    let mut panels = Vec::new();
    for (id, indicator) in indicators::list(conn, product)? {
        let north_star = indicator.north_star;
        let objective = objectives.remove(&id);
        let chart = indicator_chart(conn, id, indicator, objective, &history, today)?;
        // The status colour is the objective's, where the contract sets one.
        let status = chart
            .objective
            .as_ref()
            .map(|o| o.status(chart.direction, chart.latest(), today));
        panels.push(DashboardPanel {
            chart,
            north_star,
            status,
        });
    }
    Ok(Dashboard {
        product: name,
        status: history.status(),
        panels,
    })
}

fn title(conn: &mut DbConnection, incubator: Option<&Slug>, what: &str) -> StoreResult<String> {
    Ok(match incubator {
        Some(slug) => format!("{what} — {}", incubators::find(conn, slug)?.1.name),
        None => what.to_owned(),
    })
}

/// Products per phase (of one incubator, if given).
pub fn portfolio_phases(
    conn: &mut DbConnection,
    incubator: Option<&Slug>,
    today: NaiveDate,
) -> StoreResult<PortfolioPhases> {
    let overviews = products::overviews(conn, incubator, today)?;
    let title = title(conn, incubator, "Produits par phase")?;
    Ok(PortfolioPhases::from_statuses(
        title,
        overviews.iter().map(|o| o.status),
    ))
}

/// Every product's phases over time (of one incubator, if given), oldest product first.
pub fn timeline(
    conn: &mut DbConnection,
    incubator: Option<&Slug>,
    today: NaiveDate,
) -> StoreResult<Timeline> {
    let mut overviews = products::overviews(conn, incubator, today)?;
    overviews.sort_by_key(|o| (o.product.created_on, o.product.name.clone()));
    let mut histories = phases::histories(conn, overviews.iter().map(|o| o.id))?;
    let mut limits = HashMap::new();
    for (id, incubator) in incubators::list(conn)? {
        limits.insert(incubator.slug.clone(), (id, incubator.durations));
    }
    let mut rows = Vec::with_capacity(overviews.len());
    for o in overviews {
        let Some(history) = histories.remove(&o.id) else {
            continue;
        };
        let durations = limits
            .get(&o.product.incubator)
            .map(|(_, d): &(IncubatorId, _)| *d)
            .unwrap_or_default();
        rows.push(TimelineRow::from_history(
            o.product.name,
            &history,
            &durations,
            today,
        ));
    }
    Ok(Timeline {
        title: title(conn, incubator, "Phases des produits")?,
        today,
        rows,
    })
}

/// Budget drift against schedule drift for running products with a contract (of one
/// incubator, if given).
pub fn drift(
    conn: &mut DbConnection,
    incubator: Option<&Slug>,
    today: NaiveDate,
) -> StoreResult<DriftScatter> {
    let running: Vec<_> = products::overviews(conn, incubator, today)?
        .into_iter()
        .filter(|o| o.status != ProductStatus::Stopped)
        .collect();
    let ids: Vec<ProductId> = running.iter().map(|o| o.id).collect();
    let statuses: HashMap<ProductId, _> = contract_status::of_products(conn, &ids, today)?
        .into_iter()
        .collect();
    let points = running
        .into_iter()
        .filter_map(|o| {
            let status = statuses.get(&o.id)?;
            // The latest milestone reached or due says how late the product runs.
            let schedule = status
                .schedule
                .iter()
                .rev()
                .find(|d| d.reached_on.is_some() || d.planned_on <= today)?;
            Some(DriftPoint {
                name: o.product.name,
                status: o.status,
                schedule_days: schedule.days as f64,
                budget_drift: status.budget.drift?,
            })
        })
        .collect();
    Ok(DriftScatter {
        title: title(conn, incubator, "Dérive budgétaire et calendaire")?,
        points,
    })
}

/// Cost per active user against one-year growth of use, one dot per running product that
/// has both figures (of one incubator, if given); the others are named apart.
pub fn efficiency(
    conn: &mut DbConnection,
    cache: &MatrixCache,
    incubator: Option<&Slug>,
    today: NaiveDate,
) -> StoreResult<pilote_charts::EfficiencyScatter> {
    let running: Vec<_> = products::overviews(conn, incubator, today)?
        .into_iter()
        .filter(|o| o.status != ProductStatus::Stopped)
        .collect();
    let ids: Vec<ProductId> = running.iter().map(|o| o.id).collect();
    let mut matrices = matrix_portfolio::of_products_cached(conn, cache, &ids, today)?;
    let mut points = Vec::new();
    let mut without_figures = Vec::new();
    for o in running {
        let efficiency = matrices.remove(&o.id).map(|m| m.efficiency);
        let figures = efficiency
            .and_then(|e| Some((e.current.cost_per_active_user?, e.users_evolution_pct?)));
        match figures {
            Some((cost, growth)) => points.push(pilote_charts::EfficiencyPoint {
                name: o.product.name,
                status: o.status,
                cost_per_active_user: cost,
                users_growth_pct: growth,
            }),
            None => without_figures.push(o.product.name),
        }
    }
    Ok(pilote_charts::EfficiencyScatter {
        title: title(conn, incubator, "Efficience")?,
        points,
        without_figures,
    })
}
