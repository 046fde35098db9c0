//! `/produits/{slug}` (signed in: the whole product); the public `/produits/{slug}/stats`
//! is in `stats.rs`.

use actix_web::{HttpResponse, get, web};
use askama::Template;
use chrono::Utc;
use pilote_charts::{Dashboard, Format, french};
use pilote_domain::{
    ContractStatus, ObjectiveStatus, Period, Product, Signals, Slug, access::Action,
};
use pilote_store::{
    Database, StoreError,
    repo::{
        contract_status, digest, incubators, indicators as indicator_repo, measures, phases,
        products, reviews,
    },
};

use super::{
    Nav,
    charts::{ChartBlock, size, svg},
    error_page, redirect,
};
use crate::{
    access,
    auth::session::{MaybePageUser, SessionConfig},
    db,
    error::ApiError,
    service::{chart_data, review_pack},
};

/// One indicator's latest value.
struct IndicatorRow {
    /// The indicator's key (its edit link).
    key: String,
    label: String,
    latest: String,
    period: String,
    status: &'static str,
    /// Set when the latest value is flagged as suspect.
    suspect: Option<SuspectFlag>,
    /// The latest value's history page, if there is a value.
    history: Option<String>,
}

/// A latest value flagged as suspect (far from its recent series), for the form that clears it.
pub(super) struct SuspectFlag {
    /// The indicator's key.
    pub(super) key: String,
    /// The period's first day (`YYYY-MM-DD`), as the route takes it.
    pub(super) period: String,
}

/// One phase of the history.
struct PhaseRow {
    phase: &'static str,
    from: String,
    to: String,
    /// It began with a return to an earlier phase.
    returned: bool,
}

/// What the beta.gouv.fr catalogue says of an imported product.
struct CatalogueRow {
    /// Its id there, as written.
    betagouv_id: String,
    /// How it ended, in French, if it did.
    outcome: Option<&'static str>,
}

/// One committee decision.
struct DecisionRow {
    on: String,
    kind: String,
    rationale: String,
}

/// One contract review, linking to its pack.
struct ReviewRow {
    id: i64,
    on: String,
    verdict: &'static str,
    signed: bool,
    href: String,
}

/// A value flagged as suspect, with what its confirmation form posts.
struct SuspectRow {
    label: String,
    value: String,
    period: String,
    /// The value's history page.
    history: String,
    /// Where its « Confirmer la valeur » form posts.
    action: String,
}

/// The product's steering signals, from the same gathering as the weekly digest
/// (`repo::digest::signals`).
struct Steering {
    /// « en Construction au-delà de la durée maximale depuis le … ».
    overdue: Option<String>,
    /// No value for the last complete week on some weekly indicator.
    late: bool,
    /// Every value still flagged, not only the latest ones.
    suspects: Vec<SuspectRow>,
    /// The next review: « prévue le … » or « en retard, due le … ».
    review: Option<String>,
    review_overdue: bool,
    /// The matrix's gaps, if some mandatory slot is missing or stale.
    matrix: Option<String>,
    /// The next committee, if to schedule within 30 days or overdue.
    committee: Option<String>,
}

impl Steering {
    fn of(signals: &Signals, contract: Option<&ContractStatus>, slug: &str) -> Steering {
        let review = signals.reviews_due.first();
        Steering {
            overdue: signals.overdue_products.first().map(|o| {
                format!(
                    "en {} au-delà de la durée maximale depuis le {}",
                    o.phase,
                    french::date(o.overdue_since)
                )
            }),
            late: !signals.late_teams.is_empty(),
            suspects: signals
                .suspect_values
                .iter()
                .map(|s| {
                    let at = format!(
                        "/produits/{slug}/indicateurs/{}/mesures/{}",
                        s.key, s.period
                    );
                    SuspectRow {
                        label: s.indicator.clone(),
                        value: french::number_auto(s.value),
                        period: french::date(s.period),
                        history: format!("{at}/historique"),
                        action: format!("{at}/verifiee"),
                    }
                })
                .collect(),
            review: match (review, contract) {
                (Some(r), _) if r.overdue => {
                    Some(format!("en retard, due le {}", french::date(r.due_on)))
                }
                (Some(r), _) => Some(format!(
                    "prévue le {}, dans les 30 jours",
                    french::date(r.due_on)
                )),
                (None, Some(c)) => Some(format!("prévue le {}", french::date(c.next_review))),
                (None, None) => None,
            },
            review_overdue: review.is_some_and(|r| r.overdue),
            matrix: signals.incomplete_matrices.first().map(|m| m.summary_fr()),
            committee: signals.committees.first().map(|c| {
                format!(
                    "comité {}, dû le {}",
                    c.state.label_fr(),
                    french::date(c.due_on)
                )
            }),
        }
    }
}

/// The contract at a glance.
struct ContractRow {
    objectives: String,
    budget_drift: String,
    next_review: String,
    review_overdue: bool,
}

#[derive(Template)]
#[template(path = "product.html")]
struct ProductPage {
    product_nav: super::product_nav::ProductNav,
    nav: Nav,
    product: Product,
    incubator: String,
    status: &'static str,
    indicators: Vec<IndicatorRow>,
    phases: Vec<PhaseRow>,
    catalogue: Option<CatalogueRow>,
    decisions: Vec<DecisionRow>,
    contract: Option<ContractRow>,
    reviews: Vec<ReviewRow>,
    steering: Steering,
    chart: Option<ChartBlock>,
    /// Whether the visitor may use the measures form (team, managers, admins).
    can_measure: bool,
    /// Whether the visitor may record a committee decision (managers, admins).
    can_decide: bool,
    /// May edit the product's sheet (its team, its managers).
    can_edit: bool,
    /// The CSRF token of the « valeur vérifiée » forms (shown to those who may measure).
    csrf: String,
    /// The product sheet, ready to show.
    sheet: SheetView,
}

/// A DSFR badge: its French label and its colour modifier (`success`, `warning`, `error`).
struct Badge {
    label: &'static str,
    tone: &'static str,
}

/// The product sheet as the signed-in page shows it (the page is never public, so the
/// contacts are shown).
struct SheetView {
    thematiques: Vec<String>,
    co_incubators: Vec<String>,
    /// Each link's French label and address.
    links: Vec<(&'static str, String)>,
    accessibility: Option<Badge>,
    dsfr: Option<Badge>,
    monservicesecurise: Option<Badge>,
    mss_url: Option<String>,
    /// Each contact's French label and address.
    contacts: Vec<(&'static str, String)>,
}

impl SheetView {
    fn of(sheet: &pilote_domain::ProductSheet) -> SheetView {
        use pilote_domain::{AccessibilityStatus as A, DsfrStatus as D};
        let link_label = |field: &str| match field {
            "stats" => "Statistiques",
            "budget" => "Budget",
            "impact" => "Mesure d’impact",
            "roadmap" => "Feuille de route",
            "dashlord" => "DashLord",
            "ecodesign" => "Écoconception",
            _ => "Analyse de risques",
        };
        let contact = |label: &'static str, e: &Option<pilote_domain::Email>| {
            e.as_ref().map(|e| (label, e.to_string()))
        };
        SheetView {
            thematiques: sheet.thematiques.clone(),
            co_incubators: sheet
                .co_incubators
                .iter()
                .map(ToString::to_string)
                .collect(),
            links: sheet
                .links
                .all()
                .into_iter()
                .filter_map(|(field, url)| url.clone().map(|u| (link_label(field), u)))
                .collect(),
            accessibility: sheet.accessibility_status.map(|a| Badge {
                label: a.label_fr(),
                tone: match a {
                    A::FullyCompliant => "success",
                    A::PartiallyCompliant => "warning",
                    A::NotCompliant => "error",
                },
            }),
            dsfr: sheet.dsfr_status.map(|d| Badge {
                label: d.label_fr(),
                tone: match d {
                    D::Full => "success",
                    D::Partial => "warning",
                    D::None => "error",
                },
            }),
            monservicesecurise: sheet.monservicesecurise.registered.map(|r| {
                if r {
                    Badge {
                        label: "Inscrit",
                        tone: "success",
                    }
                } else {
                    Badge {
                        label: "Non inscrit",
                        tone: "warning",
                    }
                }
            }),
            mss_url: sheet.monservicesecurise.url.clone(),
            contacts: [
                contact("Produit", &sheet.contacts.product),
                contact("DINUM", &sheet.contacts.dinum),
                contact("Incubateur", &sheet.contacts.incubator),
            ]
            .into_iter()
            .flatten()
            .collect(),
        }
    }
}

/// What both pages read, in one transaction.
struct Loaded {
    id: pilote_store::ProductId,
    product: Product,
    incubator: String,
    dashboard: Dashboard,
    history: pilote_domain::PhaseHistory,
    catalogue: Option<(String, Option<pilote_domain::Outcome>)>,
    decisions: Vec<phases::DecisionRecord>,
    contract: Option<ContractStatus>,
    reviews: Vec<reviews::ReviewRecord>,
    /// The steering signals (the signed-in page only).
    signals: Signals,
    /// Each indicator's suspect latest value, in the dashboard's order (`indicators::list`).
    suspects: Vec<Option<SuspectFlag>>,
    /// The indicators' keys, in the same order.
    keys: Vec<String>,
    /// The whole product sheet.
    sheet: pilote_domain::ProductSheet,
}

/// Each indicator's latest value, if flagged as suspect, in `indicators::list` order (the
/// dashboard's). The flag lives on the stored measure, not in the chart's series.
pub(super) fn latest_suspects(
    c: &mut pilote_store::DbConnection,
    product: pilote_store::ProductId,
) -> Result<Vec<Option<SuspectFlag>>, StoreError> {
    let mut flags = Vec::new();
    for (id, indicator) in indicator_repo::list(c, product)? {
        let flag = match measures::latest(c, id)? {
            Some((date, _)) => {
                let period = Period::containing(indicator.periodicity, date);
                measures::history(c, id, period)?
                    .first()
                    .filter(|m| m.suspect)
                    .map(|_| SuspectFlag {
                        key: indicator.key.to_string(),
                        period: period.start().to_string(),
                    })
            }
            None => None,
        };
        flags.push(flag);
    }
    Ok(flags)
}

async fn load(db: &web::Data<Database>, slug: &str, full: bool) -> Result<Loaded, ApiError> {
    let slug = Slug::parse(slug).map_err(|_| ApiError::NotFound("product"))?;
    let today = Utc::now().date_naive();
    db::read(db, move |c| {
        let (id, product) = products::find(c, &slug)?;
        let incubator = incubators::find(c, &product.incubator)?.1.name;
        let dashboard = chart_data::dashboard(c, id, today)?;
        let history = phases::history(c, id)?;
        let catalogue = pilote_store::repo::import::catalogue_entry(c, id)?;
        let sheet = pilote_store::repo::sheets::get(c, id)?;
        let suspects = latest_suspects(c, id)?;
        let keys = indicator_repo::list(c, id)?
            .into_iter()
            .map(|(_, i)| i.key.to_string())
            .collect();
        // The public page reads nothing confidential in the first place.
        let (decisions, contract, reviews, signals) = if full {
            let contract = match contract_status::at(c, id, today) {
                Ok(status) => Some(status),
                Err(StoreError::NotFound { .. }) => None,
                Err(e) => return Err(e),
            };
            let scope = digest::Scope {
                incubator: None,
                product: Some(&product.slug),
            };
            (
                phases::decisions(c, id)?,
                contract,
                reviews::list(c, id)?,
                digest::signals(c, scope, today, today)?,
            )
        } else {
            (Vec::new(), None, Vec::new(), Signals::default())
        };
        Ok(Loaded {
            id,
            product,
            incubator,
            dashboard,
            history,
            catalogue,
            decisions,
            contract,
            reviews,
            signals,
            suspects,
            keys,
            sheet,
        })
    })
    .await
}

fn indicators(
    slug: &str,
    dashboard: &Dashboard,
    suspects: Vec<Option<SuspectFlag>>,
    keys: Vec<String>,
) -> Vec<IndicatorRow> {
    let mut suspects = suspects.into_iter();
    let mut keys = keys.into_iter();
    dashboard
        .panels
        .iter()
        .map(|p| {
            let suspect = suspects.next().flatten();
            let latest = p.chart.latest();
            let key = keys.next().unwrap_or_default();
            IndicatorRow {
                history: latest.map(|(period, _)| {
                    format!(
                        "/produits/{slug}/indicateurs/{key}/mesures/{}/historique",
                        period.start()
                    )
                }),
                key,
                label: p.chart.title.clone(),
                latest: latest.map_or_else(
                    || "—".to_owned(),
                    |(_, v)| {
                        let unit = p.chart.unit.trim();
                        let n = french::number_auto(v);
                        if unit.is_empty() {
                            n
                        } else {
                            format!("{n}\u{A0}{unit}")
                        }
                    },
                ),
                period: latest.map_or_else(String::new, |(period, _)| french::period(period)),
                status: p.status.map_or("Sans objectif", ObjectiveStatus::label_fr),
                suspect,
            }
        })
        .collect()
}

/// The dashboard chart, unless there is no indicator to draw.
fn dashboard_block(
    dashboard: &Dashboard,
    rows: &[IndicatorRow],
) -> Result<Option<ChartBlock>, ApiError> {
    if dashboard.panels.is_empty() {
        return Ok(None);
    }
    Ok(Some(ChartBlock {
        title: "Tableau de bord des indicateurs".to_owned(),
        alt: format!(
            "Petits graphiques de l'évolution de {} indicateurs de {} ; le tableau qui suit en \
             donne les dernières valeurs.",
            dashboard.panels.len(),
            dashboard.product
        ),
        svg: svg(pilote_charts::dashboard_chart(
            dashboard,
            size(1000, 640)?,
            Format::Svg,
        ))?,
        headers: vec!["Indicateur", "Dernière valeur", "Période", "État"],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.label.clone(),
                    if r.suspect.is_some() {
                        format!("{} (valeur à vérifier)", r.latest)
                    } else {
                        r.latest.clone()
                    },
                    r.period.clone(),
                    r.status.to_owned(),
                ]
            })
            .collect(),
    }))
}

/// The product page, for signed-in people with a role.
#[get("/produits/{slug}")]
pub async fn product_page(
    visitor: MaybePageUser,
    db: web::Data<Database>,
    config: web::Data<SessionConfig>,
    path: web::Path<String>,
) -> HttpResponse {
    let Some(user) = visitor.0 else {
        let here = format!("/produits/{path}");
        return redirect(&super::session::login_url(Some(&here)));
    };
    if let Err(e) = access::require(&user.user, Action::Read) {
        return error_page(e);
    }
    let nav = Nav::of(&user, &config);
    let result = async {
        let l = load(&db, &path, true).await?;
        let slug = l.product.slug.to_string();
        let rows = indicators(&slug, &l.dashboard, l.suspects, l.keys);
        let chart = dashboard_block(&l.dashboard, &rows)?;
        let scope = access::ProductScope {
            id: l.id,
            slug: l.product.slug.clone(),
            incubators: l.sheet.incubators(&l.product.incubator),
        };
        let principal = crate::auth::Principal::User(user.user.clone());
        Ok::<_, ApiError>(ProductPage {
            product_nav: super::product_nav::ProductNav::new(
                &user.user,
                &scope,
                &l.product.name,
                super::product_nav::Tab::Sheet,
                None,
            ),
            csrf: nav.csrf.clone(),
            nav,
            can_measure: access::measures_writer(&principal, &scope).is_ok(),
            can_decide: access::require(&user.user, scope.manage()).is_ok(),
            can_edit: access::require(&user.user, scope.contribute()).is_ok(),
            status: l.history.status().label_fr(),
            phases: l
                .history
                .records()
                .iter()
                .map(|r| PhaseRow {
                    phase: r.phase.label_fr(),
                    from: french::date(r.started_on),
                    to: r
                        .ended_on
                        .map_or_else(|| "en cours".to_owned(), french::date),
                    returned: l.history.is_return(r),
                })
                .collect(),
            sheet: SheetView::of(&l.sheet),
            catalogue: l.catalogue.map(|(betagouv_id, outcome)| CatalogueRow {
                betagouv_id,
                outcome: outcome.map(pilote_domain::Outcome::label_fr),
            }),
            decisions: l
                .decisions
                .iter()
                .map(|d| DecisionRow {
                    on: french::date(d.decision.decided_on),
                    kind: l
                        .history
                        .decision_label(d.decision.kind, d.decision.decided_on),
                    rationale: d.decision.rationale.as_ref().to_owned(),
                })
                .collect(),
            steering: Steering::of(&l.signals, l.contract.as_ref(), &slug),
            contract: l.contract.as_ref().map(contract_row),
            reviews: l
                .reviews
                .iter()
                .map(|r| ReviewRow {
                    id: r.id.0,
                    on: french::date(r.review.reviewed_on),
                    verdict: r.review.verdict.label_fr(),
                    signed: r.signed_at.is_some(),
                    href: review_pack::href(&slug, r.id),
                })
                .collect(),
            indicators: rows,
            chart,
            product: l.product,
            incubator: l.incubator,
        })
    }
    .await;
    match result {
        Ok(page) => super::render(&page),
        Err(e) => error_page(e),
    }
}

fn contract_row(status: &ContractStatus) -> ContractRow {
    let count = |wanted: ObjectiveStatus| {
        status
            .objectives
            .iter()
            .filter(|o| o.status == wanted)
            .count()
    };
    ContractRow {
        objectives: format!(
            "{} objectif(s) : {} en bonne voie ou atteint(s), {} à risque, {} hors trajectoire, {} sans \
             donnée",
            status.objectives.len(),
            count(ObjectiveStatus::OnTrack) + count(ObjectiveStatus::Achieved),
            count(ObjectiveStatus::AtRisk),
            count(ObjectiveStatus::OffTrack),
            count(ObjectiveStatus::NoData),
        ),
        budget_drift: status
            .budget
            .drift
            .map_or_else(|| "pas encore de budget prévu".to_owned(), french::percent),
        next_review: french::date(status.next_review),
        review_overdue: status.review_overdue,
    }
}
