//! `/`: the portfolio at a glance, for signed-in people: counts per phase, the phases chart
//! and the timeline, the drift scatter, overdue products and late teams, filtered by incubator, phase and name.

use actix_web::{get, web};
use askama::Template;
use chrono::Utc;
use pilote_charts::french;
use pilote_domain::{
    GlanceEntry, ProductStatus, Slug, SuspectEntry,
    access::{Action, allows},
    glance,
};
use pilote_store::{
    Database,
    repo::{
        digest, incubators,
        products::{self, ProductOverview},
        pulse, sheets,
    },
};
use serde::Deserialize;

use super::{
    Nav,
    charts::{ChartBlock, size, svg},
    forms::{Choice, PageResult, SignedIn},
};
use crate::{access, db, error::ApiError, service::chart_data};

/// `?incubateur=&phase=&sponsor=&thematique=&q=`; empty values mean « all ». `tri` (`nom`, `incubateur`,
/// `phase`, `depuis`) and `ordre` (`desc`) sort the table, `page` pages it.
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    incubateur: Option<String>,
    phase: Option<String>,
    sponsor: Option<String>,
    /// A thematique of the product sheet (accents and case ignored, as the API's filter).
    thematique: Option<String>,
    q: Option<String>,
    tri: Option<String>,
    ordre: Option<String>,
    page: Option<String>,
}

/// The table's rows a page shows.
const PAGE_ROWS: usize = 100;

/// The columns the table sorts by: `(tri, header)`.
const SORTS: [(&str, &str); 4] = [
    ("nom", "Produit"),
    ("incubateur", "Incubateur"),
    ("phase", "Phase"),
    ("depuis", "Depuis le"),
];

/// A sortable column's header: its link, and whether (and how) the table is sorted by it.
struct SortHeader {
    label: &'static str,
    href: String,
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    sort: &'static str,
}

/// A link of the pagination.
struct PageLink {
    number: usize,
    href: String,
    current: bool,
}

/// The filters as the links of the page keep them: a query string ending in `&` (or empty).
fn kept(incubator: &str, phase: &str, sponsor: &str, thematique: &str, q: &str) -> String {
    [
        ("incubateur", incubator),
        ("phase", phase),
        ("sponsor", sponsor),
        ("thematique", thematique),
        ("q", q),
    ]
    .iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}={}&", super::session::encode(v)))
    .collect()
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

/// What the table sorts by, besides the name.
struct SortKey {
    incubator: String,
    phase: usize,
    since: chrono::NaiveDate,
}

#[derive(Template)]
#[template(path = "portfolio.html")]
struct PortfolioPage {
    nav: Nav,
    /// Manages an incubator: may create products there.
    can_create: bool,
    incubators: Vec<Choice>,
    phases: Vec<Choice>,
    sponsors: Vec<Choice>,
    thematiques: Vec<Choice>,
    q: String,
    /// Products the filters found, over every page.
    found: usize,
    headers: Vec<SortHeader>,
    /// The pagination, when there is more than one page.
    pages: Vec<PageLink>,
    previous: Option<String>,
    next: Option<String>,
    total: usize,
    counts: Vec<(&'static str, usize)>,
    rows: Vec<Row>,
    overdue: Vec<Row>,
    late: Vec<Row>,
    /// Committees to schedule within 30 days, or overdue: (slug, name, state, due on).
    committees: Vec<(String, String, &'static str, String)>,
    /// Reviews due within 30 days or overdue: (slug, name, « prévue le … » / « en retard, due
    /// le … », overdue).
    reviews: Vec<(String, String, String, bool)>,
    /// Per product, its values still flagged as suspect: (slug, name, the values in a line).
    suspects: Vec<(String, String, usize, String)>,
    /// Matrices with a mandatory slot missing or stale: (slug, name, what is missing).
    matrices: Vec<(String, String, String)>,
    charts: Vec<ChartBlock>,
    /// The appels à candidatures' funnel per year of opening, the latest first.
    funnel_years: Vec<(i32, pilote_domain::Funnel)>,
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
    let sponsor = non_empty(filters.sponsor);
    let thematique = non_empty(filters.thematique);
    let q = non_empty(filters.q).unwrap_or_default();
    let sort = non_empty(filters.tri)
        .filter(|t| SORTS.iter().any(|(k, _)| k == t))
        .unwrap_or_else(|| "nom".to_owned());
    let descending = filters.ordre.as_deref() == Some("desc");
    let page_number = non_empty(filters.page)
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let today = Utc::now().date_naive();
    let chosen = incubator.clone();
    let (all_incubators, overviews, pulses, phases, timeline, drift, mut signals) =
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
                // The digest's own gathering, as of today (`pilote digest` looks at a week).
                digest::signals(
                    c,
                    digest::Scope {
                        incubator: chosen.as_ref(),
                        product: None,
                    },
                    today,
                    today,
                )?,
            ))
        })
        .await?;
    let wanted = thematique.clone();
    let (all_thematiques, with_thematique) = db::read(db, move |c| {
        let with = match wanted {
            Some(t) => Some(sheets::with_thematique(c, &t)?),
            None => None,
        };
        Ok((sheets::thematiques(c)?, with))
    })
    .await?;
    let funnel_years = db::read(db, |c| {
        let all = pilote_store::repo::campaigns::funnels(c, None)?;
        Ok(pilote_store::repo::campaigns::per_year(&all))
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
    let mut found: Vec<&ProductOverview> = overviews
        .iter()
        .filter(|o| phase.as_deref().is_none_or(|p| o.status.as_str() == p))
        .filter(|o| {
            sponsor
                .as_deref()
                .is_none_or(|s| o.product.sponsor.trim() == s)
        })
        .filter(|o| {
            with_thematique
                .as_ref()
                .is_none_or(|ids| ids.contains(&o.id))
        })
        .filter(|o| o.product.matches(&words))
        .collect();
    // The signals follow the filters, as the table does (every page of it).
    signals.retain(|slug| found.iter().any(|o| o.product.slug.as_ref() == slug));
    // Then by the chosen column, stable: ties stay in the store's French name order.
    let key = |o: &ProductOverview| SortKey {
        incubator: pilote_domain::fold(&o.incubator_name),
        phase: ProductStatus::ALL
            .iter()
            .position(|s| *s == o.status)
            .unwrap_or(0),
        since: o.phase_started_on,
    };
    match sort.as_str() {
        "incubateur" => found.sort_by_cached_key(|o| key(o).incubator),
        "phase" => found.sort_by_cached_key(|o| key(o).phase),
        "depuis" => found.sort_by_cached_key(|o| key(o).since),
        _ => {}
    }
    if descending {
        found.reverse();
    }
    let found_count = found.len();
    let page_count = found_count.div_ceil(PAGE_ROWS).max(1);
    let page_number = page_number.min(page_count);
    let rows: Vec<Row> = found
        .into_iter()
        .skip((page_number - 1) * PAGE_ROWS)
        .take(PAGE_ROWS)
        .map(row)
        .collect();
    let mut sponsors: Vec<String> = overviews
        .iter()
        .map(|o| o.product.sponsor.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    sponsors.sort_by(|a, b| pilote_domain::french_cmp(a, b));
    sponsors.dedup();
    let selected_sponsor = sponsor.unwrap_or_default();
    let selected_thematique = thematique.unwrap_or_default();
    let filters_kept = kept(
        incubator.as_ref().map(|s| s.as_ref()).unwrap_or(""),
        phase.as_deref().unwrap_or(""),
        &selected_sponsor,
        &selected_thematique,
        &q,
    );
    let sorted = |tri: &str, desc: bool| {
        let ordre = if desc { "&ordre=desc" } else { "" };
        format!("/?{filters_kept}tri={tri}{ordre}")
    };
    let headers = SORTS
        .iter()
        .map(|(tri, label)| {
            let this = *tri == sort;
            SortHeader {
                label,
                // A second click on the sorted column turns the order round.
                href: sorted(tri, this && !descending),
                sort: match (this, descending) {
                    (false, _) => "none",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
            }
        })
        .collect();
    let at_page = |n: usize| format!("{}&page={n}", sorted(&sort, descending));
    let pages = if page_count > 1 {
        (1..=page_count)
            .map(|n| PageLink {
                number: n,
                href: at_page(n),
                current: n == page_number,
            })
            .collect()
    } else {
        Vec::new()
    };
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
        funnel_years,
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
        sponsors: Choice::list(
            sponsors.iter().map(|s| (s.clone(), s.clone())),
            &selected_sponsor,
        ),
        thematiques: Choice::list(
            all_thematiques.iter().map(|t| (t.clone(), t.clone())),
            &selected_thematique,
        ),
        q,
        found: found_count,
        headers,
        previous: (page_number > 1).then(|| at_page(page_number - 1)),
        next: (page_number < page_count).then(|| at_page(page_number + 1)),
        pages,
        total: overviews.len(),
        counts,
        rows,
        overdue,
        late,
        committees: signals
            .committees
            .iter()
            .map(|d| {
                (
                    d.product.slug.clone(),
                    d.product.name.clone(),
                    d.state.label_fr(),
                    french::date(d.due_on),
                )
            })
            .collect(),
        reviews: signals
            .reviews_due
            .iter()
            .map(|r| {
                let when = if r.overdue {
                    format!("en retard, due le {}", french::date(r.due_on))
                } else {
                    format!("prévue le {}", french::date(r.due_on))
                };
                (
                    r.product.slug.clone(),
                    r.product.name.clone(),
                    when,
                    r.overdue,
                )
            })
            .collect(),
        suspects: suspects_by_product(&signals.suspect_values),
        matrices: signals
            .incomplete_matrices
            .iter()
            .map(|m| {
                (
                    m.product.slug.clone(),
                    m.product.name.clone(),
                    m.summary_fr(),
                )
            })
            .collect(),
        charts: vec![phases_block, timeline_block, drift_block],
    })
}

/// The suspect values, one line per product (the digest lists them by product already):
/// (slug, name, how many, « Démarches, période du 16 novembre 2026 ; … »).
fn suspects_by_product(values: &[SuspectEntry]) -> Vec<(String, String, usize, String)> {
    let mut lines: Vec<(String, String, usize, String)> = Vec::new();
    for v in values {
        let what = format!("{}, période du {}", v.indicator, french::date(v.period));
        match lines.last_mut() {
            Some((slug, _, n, text)) if *slug == v.product.slug => {
                *n += 1;
                text.push_str(" ; ");
                text.push_str(&what);
            }
            _ => lines.push((v.product.slug.clone(), v.product.name.clone(), 1, what)),
        }
    }
    lines
}
