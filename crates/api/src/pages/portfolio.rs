//! `/`: the portfolio at a glance, for signed-in people: counts per phase, the phases chart
//! and the timeline, the drift scatter, overdue products and late teams, filtered by incubator, phase and name.

use actix_web::{get, web};
use askama::Template;
use chrono::Utc;
use pilote_charts::french;
use pilote_domain::{
    GlanceEntry, ProductStatus, Slug,
    access::{Action, allows},
    glance,
};
use pilote_store::{
    Database,
    repo::{
        committees, incubators,
        products::{self, ProductOverview},
        pulse,
    },
};
use serde::Deserialize;

use super::{
    Nav,
    charts::{ChartBlock, size, svg},
    forms::{Choice, PageResult, SignedIn},
};
use crate::{access, db, error::ApiError, service::chart_data};

/// `?incubateur=&phase=&q=`; empty values mean « all ».
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    incubateur: Option<String>,
    phase: Option<String>,
    q: Option<String>,
}

/// One product line.
struct Row {
    slug: String,
    name: String,
    incubator: String,
    phase: &'static str,
    since: String,
    overdue: Option<String>,
    late: bool,
}

#[derive(Template)]
#[template(path = "portfolio.html")]
struct PortfolioPage {
    nav: Nav,
    /// Manages an incubator: may create products there.
    can_create: bool,
    incubators: Vec<Choice>,
    phases: Vec<Choice>,
    q: String,
    total: usize,
    counts: Vec<(&'static str, usize)>,
    rows: Vec<Row>,
    overdue: Vec<Row>,
    late: Vec<Row>,
    /// Committees to schedule within 30 days, or overdue: (slug, name, state, due on).
    committees: Vec<(String, String, &'static str, String)>,
    charts: Vec<ChartBlock>,
}

/// The portfolio page; anonymous visitors go to `/connexion`.
#[get("/")]
pub async fn portfolio_page(
    user: SignedIn,
    db: web::Data<Database>,
    filters: web::Query<Filters>,
) -> PageResult {
    access::require(&user.user.user, Action::Read)?;
    let grants = user.user.user.grants.clone();
    let mut page = build(&db, filters.into_inner(), user.nav).await?;
    // Any incubator the visitor manages (the choices list every incubator).
    page.can_create = page.incubators.iter().any(|c| {
        Slug::parse(&c.value).is_ok_and(|incubator| {
            allows(
                &grants,
                Action::Manage {
                    incubator: &incubator,
                },
            )
        })
    });
    Ok(super::render(&page))
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

async fn build(
    db: &web::Data<Database>,
    filters: Filters,
    nav: Nav,
) -> Result<PortfolioPage, ApiError> {
    // An unknown incubator or phase is ignored rather than an error: it is a filter.
    let incubator = non_empty(filters.incubateur).and_then(|s| Slug::parse(&s).ok());
    let phase = non_empty(filters.phase)
        .filter(|p| ProductStatus::ALL.iter().any(|s| s.as_str() == p.as_str()));
    let q = non_empty(filters.q).unwrap_or_default();
    let today = Utc::now().date_naive();
    let chosen = incubator.clone();
    let (all_incubators, overviews, pulses, phases, timeline, drift, due) =
        db::read(db, move |c| {
            let all = incubators::list(c)?;
            let chosen = chosen.filter(|s| all.iter().any(|(_, i)| &i.slug == s));
            Ok((
                all,
                products::overviews(c, chosen.as_ref(), today)?,
                pulse::pulses(c, today)?,
                chart_data::portfolio_phases(c, chosen.as_ref(), today)?,
                chart_data::timeline(c, chosen.as_ref(), today)?,
                chart_data::drift(c, chosen.as_ref(), today)?,
                committees::due(c, chosen.as_ref(), today)?,
            ))
        })
        .await?;
    let g = glance(overviews.iter().map(|o| GlanceEntry {
        key: o,
        status: o.status,
        overdue_since: o.overdue_since,
        late: pulses.get(&o.id).is_some_and(|p| p.late),
    }));
    let counts: Vec<(&'static str, usize)> = g
        .by_status
        .iter()
        .map(|(s, n)| (s.label_fr(), *n))
        .collect();
    let row = |o: &ProductOverview| Row {
        slug: o.product.slug.to_string(),
        name: o.product.name.clone(),
        incubator: o.incubator_name.clone(),
        phase: o.status.label_fr(),
        since: french::date(o.phase_started_on),
        overdue: o.overdue_since.map(french::date),
        late: g.late.iter().any(|l| l.id == o.id),
    };
    let overdue: Vec<Row> = g.overdue.iter().map(|(o, _)| row(o)).collect();
    let late: Vec<Row> = g.late.iter().map(|o| row(o)).collect();
    // The API's very search (`Product::matches`), in the store's French alphabetical order:
    // « Démarches » before « Douane », « Égalité » among the e's.
    let words = pilote_domain::search_words(&q);
    let found: Vec<&ProductOverview> = overviews
        .iter()
        .filter(|o| phase.as_deref().is_none_or(|p| o.status.as_str() == p))
        .filter(|o| o.product.matches(&words))
        .collect();
    let rows: Vec<Row> = found.into_iter().map(row).collect();
    let phases_block = ChartBlock {
        alt: format!(
            "Diagramme en barres des produits par phase : {}.",
            counts
                .iter()
                .map(|(label, n)| format!("{label} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        title: phases.title.clone(),
        svg: svg(pilote_charts::phases_chart(
            &phases,
            size(800, 400)?,
            pilote_charts::Format::Svg,
        ))?,
        headers: vec!["Phase", "Produits"],
        rows: counts
            .iter()
            .map(|(label, n)| vec![(*label).to_owned(), n.to_string()])
            .collect(),
    };
    let height = timeline.natural_height();
    let timeline_block = ChartBlock {
        alt: format!(
            "Frise chronologique des phases de {} produits ; le tableau qui suit en donne la \
             phase actuelle.",
            timeline.rows.len()
        ),
        title: timeline.title.clone(),
        svg: svg(pilote_charts::timeline_chart(
            &timeline,
            size(1200, height)?,
            pilote_charts::Format::Svg,
        ))?,
        headers: vec!["Produit", "Phase actuelle", "Depuis le"],
        rows: overviews
            .iter()
            .map(|o| {
                vec![
                    o.product.name.clone(),
                    o.status.label_fr().to_owned(),
                    french::date(o.phase_started_on),
                ]
            })
            .collect(),
    };
    let drift_block = ChartBlock {
        alt: format!(
            "Nuage de points de {} produits sous contrat : en abscisse la dérive de calendrier \
             en jours, en ordonnée la dérive budgétaire ; le tableau qui suit en donne les \
             valeurs.",
            drift.points.len()
        ),
        title: drift.title.clone(),
        svg: svg(pilote_charts::drift_chart(
            &drift,
            size(900, 560)?,
            pilote_charts::Format::Svg,
        ))?,
        headers: vec![
            "Produit",
            "Phase",
            "Dérive de calendrier",
            "Dérive budgétaire",
        ],
        rows: drift
            .points
            .iter()
            .map(|p| {
                vec![
                    p.name.clone(),
                    p.status.label_fr().to_owned(),
                    format!("{}\u{A0}jours", french::number(p.schedule_days, 0)),
                    french::percent(p.budget_drift),
                ]
            })
            .collect(),
    };
    let selected_incubator = incubator.map(|s| s.to_string()).unwrap_or_default();
    let selected_phase = phase.unwrap_or_default();
    Ok(PortfolioPage {
        nav,
        can_create: false,
        incubators: Choice::list(
            all_incubators
                .into_iter()
                .map(|(_, i)| (i.slug.to_string(), i.name)),
            &selected_incubator,
        ),
        phases: Choice::list(
            ProductStatus::ALL
                .iter()
                .map(|s| (s.as_str(), s.label_fr())),
            &selected_phase,
        ),
        q,
        total: overviews.len(),
        counts,
        rows,
        overdue,
        late,
        committees: due
            .into_iter()
            .map(|d| {
                (
                    d.slug.to_string(),
                    d.name,
                    d.state.label_fr(),
                    french::date(d.due_on),
                )
            })
            .collect(),
        charts: vec![phases_block, timeline_block, drift_block],
    })
}
