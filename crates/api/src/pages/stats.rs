//! `/produits/{slug}/stats`: the public stats page of a published product, laid out like the
//! DINUM « matrice d'impact » (a beta.gouv standard): its indicators under the five principles
//! (Utilisable, Utilisé, Utile, Impactant, Efficient), and the efficiency figures only when the
//! product chose to publish them. Nothing confidential is read otherwise (no spend).

use actix_web::{get, web};
use askama::Template;
use chrono::Utc;
use pilote_charts::{Dashboard, Format, french};
use pilote_domain::{
    Certification, CertificationLevel, Efficiency, IndicatorCell, Matrix, Period, Product, Slug,
};
use pilote_store::{
    Database,
    repo::{
        incubators, matrix, matrix_certification, matrix_publication, phases, products, sheets,
    },
};

use super::{
    Nav,
    charts::{ChartBlock, size, svg},
    forms::PageResult,
};
use crate::{
    auth::session::{MaybePageUser, SessionConfig},
    db,
    error::ApiError,
    service::chart_data,
};

/// One indicator under its principle.
struct StatsRow {
    label: String,
    latest: String,
    period: String,
    evolution: String,
    status: &'static str,
}

/// One of the five principles and its indicators.
struct PrincipleBlock {
    heading: &'static str,
    rows: Vec<StatsRow>,
}

/// The efficiency figures, formatted, when published.
struct EfficiencyBlock {
    period: String,
    budget: String,
    users: String,
    cost: String,
    cost_before: String,
    evolution: String,
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    nav: Nav,
    product: Product,
    incubator: String,
    status: &'static str,
    /// The matrix's certification level, in French, with its date when set.
    certification: String,
    principles: Vec<PrincipleBlock>,
    /// `None` when the product does not publish its efficiency figures.
    efficiency: Option<EfficiencyBlock>,
    chart: Option<ChartBlock>,
    sheet: PublicSheet,
}

/// The public part of the product sheet: never its contacts nor its risk analysis.
struct PublicSheet {
    thematiques: Vec<String>,
    user_types: Vec<String>,
    /// The co-incubators' names.
    co_incubators: Vec<String>,
    accessibility: Option<&'static str>,
    dsfr: Option<&'static str>,
    /// `(label, url)` of the public links.
    links: Vec<(&'static str, String)>,
}

impl PublicSheet {
    fn of(sheet: &pilote_domain::ProductSheet, co_incubators: Vec<String>) -> PublicSheet {
        let label = |name: &str| match name {
            "stats" => "Statistiques",
            "budget" => "Budget",
            "impact" => "Matrice d'impact",
            "roadmap" => "Feuille de route",
            "dashlord" => "DashLord",
            "ecodesign" => "Déclaration d'écoconception",
            _ => "Lien",
        };
        let public = sheet.links.public();
        PublicSheet {
            thematiques: sheet.thematiques.clone(),
            user_types: sheet.user_types.clone(),
            co_incubators,
            accessibility: sheet.accessibility_status.map(|a| a.label_fr()),
            dsfr: sheet.dsfr_status.map(|d| d.label_fr()),
            links: public
                .all()
                .into_iter()
                .filter_map(|(name, url)| url.clone().map(|u| (label(name), u)))
                .collect(),
        }
    }
}

/// A value with its unit, or the value alone; shared with the matrix page.
pub(super) fn with_unit(value: f64, unit: &str) -> String {
    let n = french::number_auto(value);
    match unit.trim() {
        "" => n,
        unit => format!("{n}\u{A0}{unit}"),
    }
}

fn euros(value: Option<f64>) -> String {
    value.map_or_else(|| "non calculable".to_owned(), |v| with_unit(v, "€"))
}

/// A one-year evolution in %, or « — »; shared with the matrix page.
pub(super) fn evolution(pct: Option<f64>) -> String {
    pct.map_or_else(|| "—".to_owned(), |p| french::percent(p / 100.0))
}

/// The matrix's certification level in French, with its date when set; shared with the
/// matrix page.
pub(super) fn certification_label(certification: Option<Certification>) -> String {
    certification.map_or_else(
        || CertificationLevel::None.label_fr().to_owned(),
        |c| format!("{} (le {})", c.level().label_fr(), french::date(c.on())),
    )
}

fn row(cell: &IndicatorCell) -> StatsRow {
    StatsRow {
        label: cell.indicator.label.clone(),
        latest: cell.latest.map_or_else(
            || "—".to_owned(),
            |l| with_unit(l.value, &cell.indicator.unit),
        ),
        period: cell.latest.map_or_else(String::new, |l| {
            french::period(Period::containing(cell.indicator.periodicity, l.period))
        }),
        evolution: evolution(cell.evolution_pct),
        status: cell
            .objective
            .map_or("Sans objectif", pilote_domain::ObjectiveStatus::label_fr),
    }
}

fn efficiency_block(e: &Efficiency) -> EfficiencyBlock {
    let (now, before) = (e.current, e.previous);
    EfficiencyBlock {
        period: format!(
            "de {} {} à {} {}",
            french::month(now.from),
            now.from.format("%Y"),
            french::month(now.to),
            now.to.format("%Y")
        ),
        budget: now
            .budget
            .map_or_else(|| "non renseigné".to_owned(), |b| with_unit(b as f64, "€")),
        users: now
            .mean_monthly_active_users
            .map_or_else(|| "non renseigné".to_owned(), |u| french::number(u, 0)),
        cost: euros(now.cost_per_active_user),
        cost_before: euros(before.cost_per_active_user),
        evolution: evolution(e.cost_per_active_user_evolution_pct),
    }
}

fn principles(m: &Matrix) -> Vec<PrincipleBlock> {
    m.principles
        .iter()
        .map(|p| PrincipleBlock {
            heading: p.principle.label_fr(),
            rows: p.indicators.iter().map(row).collect(),
        })
        .collect()
}

/// The dashboard chart, unless there is no indicator to draw.
fn chart(dashboard: &Dashboard, rows: &[PrincipleBlock]) -> Result<Option<ChartBlock>, ApiError> {
    if dashboard.panels.is_empty() {
        return Ok(None);
    }
    Ok(Some(ChartBlock {
        title: "Tableau de bord des indicateurs".to_owned(),
        alt: format!(
            "Petits graphiques de l'évolution de {} indicateurs de {} ; les tableaux par \
             principe en donnent les dernières valeurs.",
            dashboard.panels.len(),
            dashboard.product
        ),
        svg: svg(pilote_charts::dashboard_chart(
            dashboard,
            size(1000, 640)?,
            Format::Svg,
        ))?,
        headers: vec!["Principe", "Indicateur", "Dernière valeur", "Période"],
        rows: rows
            .iter()
            .flat_map(|p| {
                p.rows.iter().map(|r| {
                    vec![
                        p.heading.to_owned(),
                        r.label.clone(),
                        r.latest.clone(),
                        r.period.clone(),
                    ]
                })
            })
            .collect(),
    }))
}

/// The public stats page of a published product; 404 for any other.
#[get("/produits/{slug}/stats")]
pub async fn stats(
    visitor: MaybePageUser,
    db: web::Data<Database>,
    config: web::Data<SessionConfig>,
    path: web::Path<String>,
) -> PageResult {
    let nav = Nav::of_visitor(&visitor, &config);
    let slug = Slug::parse(&path).map_err(|_| ApiError::NotFound("product"))?;
    let today = Utc::now().date_naive();
    let (product, incubator, status, matrix, publish, dashboard, certification, sheet) =
        db::read(&db, move |c| {
            let (id, product) = products::find(c, &slug)?;
            if !product.published {
                return Ok(None);
            }
            let incubator = incubators::find(c, &product.incubator)?.1.name;
            let status = phases::history(c, id)?.status().label_fr();
            let publish = matrix_publication::publishes_efficiency(c, id)?;
            let matrix = matrix::public_at(c, id, today, publish)?;
            let dashboard = chart_data::dashboard(c, id, today)?;
            let certification = matrix_certification::get(c, id)?;
            let stored = sheets::get(c, id)?;
            let mut co_incubators = Vec::new();
            for slug in &stored.co_incubators {
                co_incubators.push(incubators::find(c, slug)?.1.name);
            }
            let sheet = PublicSheet::of(&stored, co_incubators);
            Ok(Some((
                product,
                incubator,
                status,
                matrix,
                publish,
                dashboard,
                certification,
                sheet,
            )))
        })
        .await?
        .ok_or(ApiError::NotFound("product"))?;
    let principles = principles(&matrix);
    let chart = chart(&dashboard, &principles)?;
    let page = StatsPage {
        nav,
        product,
        incubator,
        status,
        certification: certification_label(certification),
        efficiency: publish.then(|| efficiency_block(&matrix.efficiency)),
        principles,
        chart,
        sheet,
    };
    Ok(super::render(&page))
}
