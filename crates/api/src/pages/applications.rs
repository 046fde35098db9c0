//! The managers' pages of a campaign: `/appels/{slug}/candidatures` (its applications ranked
//! by the jury) and `/candidatures/{id}` (one application: its status with a reason, the
//! reader's scores with the conflict-of-interest box, launching an investigation). Through
//! the same service as the JSON routes.

use std::collections::{BTreeMap, HashMap};

use actix_web::{get, post, web};
use askama::Template;
use pilote_domain::Tally;
use pilote_store::{Database, repo::applications::StoredApplication};
use serde::Deserialize;

use super::{
    Nav,
    forms::{Choice, CsrfForm, FieldErrors, PageResult, SignedIn, form_page, optional},
    redirect,
};
use crate::service::applications::{self as service, ApplicationView};

/// One row of the ranking.
struct Ranked {
    rank: usize,
    id: i64,
    title: String,
    status: &'static str,
    /// « 3,75 », or « — » before any counted score.
    mean: String,
    jurors: u32,
    conflicted: u32,
}

#[derive(Template)]
#[template(path = "campaign_applications.html")]
struct ListPage {
    nav: Nav,
    slug: String,
    title: String,
    rows: Vec<Ranked>,
}

fn mean(value: Option<f64>) -> String {
    value.map_or_else(
        || "—".to_owned(),
        |m| pilote_domain::french::decimal((m * 100.0).round() / 100.0),
    )
}

/// The campaign's applications, ranked by the weighted mean of the scores that count.
#[get("/appels/{slug}/candidatures")]
pub async fn list(user: SignedIn, db: web::Data<Database>, slug: web::Path<String>) -> PageResult {
    let (campaign, ranked) = service::ranking(&db, &user.principal(), &slug).await?;
    let rows = ranked
        .into_iter()
        .enumerate()
        .map(|(i, (a, t)): (usize, (StoredApplication, Tally))| Ranked {
            rank: i + 1,
            id: a.id.0,
            title: a.application.title,
            status: a.status.label_fr(),
            mean: mean(t.weighted_mean),
            jurors: t.jurors,
            conflicted: t.conflicted,
        })
        .collect();
    Ok(super::render(&ListPage {
        nav: user.nav,
        slug: campaign.slug.to_string(),
        title: campaign.title,
        rows,
    }))
}

/// One criterion's line of the score form.
struct ScoreField {
    id: String,
    label: String,
    weight: u32,
    choices: Vec<Choice>,
    /// The criterion's mean so far.
    mean: String,
    jurors: u32,
}

#[derive(Template)]
#[template(path = "application.html")]
struct ApplicationPage {
    nav: Nav,
    view: ApplicationView,
    status: &'static str,
    history: Vec<(String, &'static str, String)>,
    moves: Vec<Choice>,
    scores: Vec<ScoreField>,
    conflict: bool,
    mean: String,
    typed_launch: LaunchForm,
    errors: FieldErrors,
}

fn page(
    nav: Nav,
    view: ApplicationView,
    typed: Option<&HashMap<String, String>>,
    typed_launch: LaunchForm,
    errors: FieldErrors,
) -> PageResult {
    let typed_score = |key: &str| {
        typed
            .and_then(|t| t.get(&format!("scores.{key}")).cloned())
            .or_else(|| {
                view.mine
                    .as_ref()
                    .and_then(|m| m.scores.get(key))
                    .map(u8::to_string)
            })
            .unwrap_or_default()
    };
    let scores = view
        .campaign
        .criteria
        .iter()
        .zip(&view.tally.criteria)
        .map(|(c, m)| ScoreField {
            id: format!("scores.{}", c.key),
            label: c.label.clone(),
            weight: c.weight,
            choices: Choice::list(
                (0..=5).map(|n| (n.to_string(), n.to_string())),
                &typed_score(&c.key),
            ),
            mean: mean(m.mean),
            jurors: m.jurors,
        })
        .collect();
    let conflict = match typed {
        Some(t) => t.contains_key("conflict_of_interest"),
        None => view.mine.as_ref().is_some_and(|m| m.conflict_of_interest),
    };
    let history = view
        .history
        .iter()
        .map(|h| {
            (
                pilote_domain::french::moment(h.at),
                h.status.label_fr(),
                h.reason.clone().unwrap_or_default(),
            )
        })
        .collect();
    let moves = Choice::list(
        view.stored
            .status
            .moves()
            .into_iter()
            .map(|s| (s.as_str(), s.label_fr())),
        "",
    );
    let page = ApplicationPage {
        nav,
        status: view.stored.status.label_fr(),
        mean: mean(view.tally.weighted_mean),
        history,
        moves,
        scores,
        conflict,
        typed_launch,
        errors,
        view,
    };
    Ok(form_page(&page, &page.errors))
}

/// One application, for its incubator's managers.
#[get("/candidatures/{id}")]
pub async fn show(user: SignedIn, db: web::Data<Database>, id: web::Path<i64>) -> PageResult {
    let view = service::get(&db, &user.principal(), *id).await?;
    page(
        user.nav,
        view,
        None,
        LaunchForm::default(),
        FieldErrors::default(),
    )
}

/// The status form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    status: String,
    reason: String,
}

/// Moves the application, then its page; the page again (422) with the reason otherwise.
#[post("/candidatures/{id}/statut")]
pub async fn set_status(
    CsrfForm { user, fields: form }: CsrfForm<StatusForm>,
    db: web::Data<Database>,
    id: web::Path<i64>,
) -> PageResult {
    let id = *id;
    let mut errors = FieldErrors::default();
    let fields = [("status", "Nouveau statut"), ("reason", "Motif")];
    if form.status.is_empty() {
        errors.add(fields[0].0, fields[0].1, "Choisissez un statut.");
    } else {
        match service::set_status(&db, &user.principal(), id, &form.status, &form.reason).await {
            Ok(_) => return Ok(redirect(&format!("/candidatures/{id}"))),
            Err(refused) => errors.refused(refused, &fields)?,
        }
    }
    let view = service::get(&db, &user.principal(), id).await?;
    page(user.nav, view, None, LaunchForm::default(), errors)
}

/// Saves the reader's scores, then the application's page; the page again (422) otherwise.
#[post("/candidatures/{id}/notes")]
pub async fn set_scores(
    CsrfForm {
        user,
        fields: typed,
    }: CsrfForm<HashMap<String, String>>,
    db: web::Data<Database>,
    id: web::Path<i64>,
) -> PageResult {
    let id = *id;
    let mut errors = FieldErrors::default();
    let mut scores = BTreeMap::new();
    for (name, value) in &typed {
        let Some(key) = name.strip_prefix("scores.") else {
            continue;
        };
        if value.trim().is_empty() {
            continue;
        }
        match value.trim().parse::<i64>() {
            Ok(n) => {
                scores.insert(key.to_owned(), n);
            }
            Err(_) => errors.add(name, key, "Choisissez une note de 0 à 5."),
        }
    }
    if errors.is_empty() {
        let conflict = typed.contains_key("conflict_of_interest");
        match service::put_scores(&db, &user.principal(), id, &scores, conflict).await {
            Ok(_) => return Ok(redirect(&format!("/candidatures/{id}"))),
            Err(refused) => errors.refused_at(refused, |named| {
                let named = named.unwrap_or("scores");
                (named.to_owned(), "Note".to_owned())
            })?,
        }
    }
    let view = service::get(&db, &user.principal(), id).await?;
    page(user.nav, view, Some(&typed), LaunchForm::default(), errors)
}

/// The launch form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LaunchForm {
    product_slug: String,
    started_on: String,
}

/// Launches the investigation, then the product's page; the page again (422) otherwise.
#[post("/candidatures/{id}/lancer")]
pub async fn launch(
    CsrfForm { user, fields: form }: CsrfForm<LaunchForm>,
    db: web::Data<Database>,
    id: web::Path<i64>,
) -> PageResult {
    let id = *id;
    let fields = [
        ("product_slug", "Identifiant du produit"),
        ("started_on", "Début de l'investigation"),
    ];
    let mut errors = FieldErrors::default();
    let started_on =
        optional(&form.started_on).and_then(|d| errors.date(fields[1].0, fields[1].1, &d));
    if errors.is_empty() {
        match service::launch(&db, &user.principal(), id, &form.product_slug, started_on).await {
            Ok(slug) => return Ok(redirect(&format!("/produits/{slug}"))),
            Err(refused) => errors.refused(refused, &fields)?,
        }
    }
    let view = service::get(&db, &user.principal(), id).await?;
    page(user.nav, view, None, form, errors)
}
