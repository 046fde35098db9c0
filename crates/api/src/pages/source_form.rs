//! `/produits/{slug}/indicateurs/{key}/source`: where an indicator's values come from by
//! themselves (Matomo, a JSON or CSV address), its last run, « Collecter maintenant » and its
//! removal — through the same service as `…/indicators/{key}/source` of the API, for the
//! same people (the product's team and its incubator's managers). docs/connectors.md.

use std::collections::HashMap;

use actix_web::{get, post, web};
use askama::Template;
use pilote_domain::{MatomoMetric, SourceKind};
use pilote_store::{
    Database,
    repo::{indicators, products},
};
use serde::Deserialize;

use super::{
    Nav,
    forms::{Choice, CsrfForm, FieldErrors, Need, PageResult, SignedIn, form_page, optional},
    redirect,
};
use crate::{
    access::ProductScope,
    db,
    error::ApiError,
    service::{
        scope,
        sources::{self, Runner, SourceBody, SourceView},
    },
};

#[derive(Template)]
#[template(path = "source_form.html")]
struct SourcePage {
    nav: Nav,
    product_nav: super::product_nav::ProductNav,
    scope: ProductScope,
    key: String,
    label: String,
    kinds: Vec<Choice>,
    metrics: Vec<Choice>,
    /// The stored source, if any: its last run is shown.
    stored: Option<Stored>,
    form: SourceForm,
    errors: FieldErrors,
}

/// What the page says of the stored source.
struct Stored {
    label: String,
    token_stored: bool,
    next_run: String,
    /// « le 4 décembre 2026 à 10:15 : 3 créées, 0 modifiée, 1 inchangée », or its error.
    last_run: Option<(bool, String)>,
}

/// The fields as typed; the ids are the API's field names.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SourceForm {
    kind: String,
    url: String,
    site_id: String,
    metric: String,
    token: String,
    pointer: String,
    every_hours: String,
}

/// `(id, label)` of the fields a refusal may name; the first takes those that name none.
const FIELDS: [(&str, &str); 7] = [
    ("url", "Adresse"),
    ("kind", "Type de source"),
    ("site_id", "Identifiant du site Matomo"),
    ("metric", "Mesure Matomo"),
    ("token", "Jeton d'accès Matomo"),
    ("pointer", "Chemin de la série dans le JSON"),
    ("every_hours", "Fréquence"),
];

fn stored(view: &SourceView) -> Stored {
    let last_run = view.last_run.as_ref().map(|r| {
        let when = pilote_charts::french::moment(r.at);
        match &r.error_fr {
            Some(error) if !r.ok => (false, format!("le {when} : échec, {error}")),
            _ => (
                true,
                format!(
                    "le {when} : {} créée(s), {} modifiée(s), {} inchangée(s)",
                    r.created, r.updated, r.unchanged
                ),
            ),
        }
    });
    Stored {
        label: view.label_fr.clone(),
        token_stored: view.token_stored,
        next_run: pilote_charts::french::moment(view.next_run_at),
        last_run,
    }
}

fn form_of(view: &SourceView) -> SourceForm {
    SourceForm {
        kind: view.kind.as_str().to_owned(),
        url: view.url.clone(),
        site_id: view.site_id.map(|s| s.to_string()).unwrap_or_default(),
        metric: view
            .metric
            .map(|m| m.as_str().to_owned())
            .unwrap_or_default(),
        token: String::new(),
        pointer: view.pointer.clone().unwrap_or_default(),
        every_hours: view.every_hours.to_string(),
    }
}

async fn page(
    db: &web::Data<Database>,
    (user, scope): (SignedIn, ProductScope),
    key: &str,
    form: Option<SourceForm>,
    errors: FieldErrors,
) -> PageResult {
    let (id, wanted) = (scope.id, scope::slug(key, "indicator")?);
    let (product, label) = db::read(db, move |c| {
        let (_, indicator) = indicators::find(c, id, &wanted)?;
        Ok((products::get(c, id)?.name, indicator.label))
    })
    .await?;
    let view = sources::find(db, &scope, key).await?;
    let form = form.unwrap_or_else(|| match &view {
        Some(v) => form_of(v),
        None => SourceForm {
            kind: SourceKind::Matomo.as_str().to_owned(),
            metric: MatomoMetric::NbUniqVisitors.as_str().to_owned(),
            every_hours: "24".to_owned(),
            ..SourceForm::default()
        },
    });
    let title = format!("Source de « {label} »");
    let page = SourcePage {
        kinds: Choice::list(
            SourceKind::ALL.map(|k| (k.as_str(), k.label_fr())),
            &form.kind,
        ),
        metrics: Choice::list(
            MatomoMetric::ALL.map(|m| (m.as_str(), m.label_fr())),
            &form.metric,
        ),
        product_nav: super::product_nav::ProductNav::new(
            &user.user.user,
            &scope,
            &product,
            super::product_nav::Tab::Sheet,
            Some(&title),
        ),
        nav: user.nav,
        scope,
        key: key.to_owned(),
        label,
        stored: view.as_ref().map(stored),
        form,
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

/// The indicator's source, or an empty form for a new one.
#[get("/produits/{slug}/indicateurs/{key}/source")]
pub async fn show(
    user: SignedIn,
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (slug, key) = path.into_inner();
    let scope = user.product(&db, &slug, Need::Contribute).await?;
    page(&db, (user, scope), &key, None, FieldErrors::default()).await
}

/// Saves the source (its token encrypted, never shown again), then the page again.
#[post("/produits/{slug}/indicateurs/{key}/source")]
pub async fn save(
    CsrfForm { user, fields: form }: CsrfForm<SourceForm>,
    db: web::Data<Database>,
    runner: web::Data<Runner>,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (slug, key) = path.into_inner();
    let scope = user.product(&db, &slug, Need::Contribute).await?;
    let mut errors = FieldErrors::default();
    let pick = "Choisissez une valeur dans la liste.";
    let kind = errors.choice(
        "kind",
        "Type de source",
        SourceKind::parse(&form.kind),
        pick,
    );
    let site_id = errors.whole("site_id", "Identifiant du site Matomo", &form.site_id);
    let every_hours = errors.whole("every_hours", "Fréquence", &form.every_hours);
    let metric = match form.metric.trim() {
        "" => None,
        m => errors.choice("metric", "Mesure Matomo", MatomoMetric::parse(m), pick),
    };
    if let (Some(kind), true) = (kind, errors.is_empty()) {
        // The page shows every kind's fields: only the chosen kind's are sent on.
        let matomo = kind == SourceKind::Matomo;
        let body = SourceBody {
            kind,
            url: form.url.trim().to_owned(),
            site_id: site_id.filter(|_| matomo),
            metric: metric.filter(|_| matomo),
            token: optional(&form.token).filter(|_| matomo),
            pointer: (kind == SourceKind::Json).then(|| form.pointer.trim().to_owned()),
            every_hours,
        };
        match sources::put(&db, runner.key, &scope, &key, body).await {
            Ok(_) => {
                let here = format!("/produits/{}/indicateurs/{key}/source", scope.slug);
                return Ok(redirect(&here));
            }
            // The source's own checks name each field at fault, as the API's 422 does.
            Err(ApiError::InvalidMany(problems)) => {
                for (field, problem) in problems {
                    let label = FIELDS
                        .iter()
                        .find(|(id, _)| *id == field)
                        .map_or("Formulaire", |(_, label)| *label);
                    errors.add(&field, label, problem.french());
                }
            }
            Err(refused) => errors.refused(refused, &FIELDS)?,
        }
    }
    // The token typed is never sent back into the page.
    let form = SourceForm {
        token: String::new(),
        ..form
    };
    page(&db, (user, scope), &key, Some(form), errors).await
}

/// Fetches the source now, then the page with its last run (its French error if it failed).
#[post("/produits/{slug}/indicateurs/{key}/source/collecter")]
pub async fn collect(
    CsrfForm { user, .. }: CsrfForm<HashMap<String, String>>,
    db: web::Data<Database>,
    runner: web::Data<Runner>,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (slug, key) = path.into_inner();
    let scope = user.product(&db, &slug, Need::Contribute).await?;
    sources::run_now(&db, runner.get_ref().clone(), &scope, &key, None).await?;
    let here = format!("/produits/{}/indicateurs/{key}/source", scope.slug);
    Ok(redirect(&here))
}

/// Removes the source (its values stay), then the indicator's form.
#[post("/produits/{slug}/indicateurs/{key}/source/supprimer")]
pub async fn remove(
    CsrfForm { user, .. }: CsrfForm<HashMap<String, String>>,
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (slug, key) = path.into_inner();
    let scope = user.product(&db, &slug, Need::Contribute).await?;
    sources::delete(&db, &scope, &key).await?;
    let back = format!("/produits/{}/indicateurs/{key}/modifier", scope.slug);
    Ok(redirect(&back))
}
