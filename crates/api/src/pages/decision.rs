//! `/produits/{slug}/decisions/nouvelle`: recording a committee decision (the incubator's
//! managers, admins), through the store's `phases::record_decision` like the API. A decision
//! the phase rules refuse is shown with the rule's reason next to the field at fault.

use actix_web::{HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use chrono::{NaiveDate, Utc};
use pilote_charts::french;
use pilote_domain::{DecisionKind, NewDecision, PhaseHistory, Rationale};
use pilote_store::{
    Database,
    repo::{phases, products},
};
use serde::Deserialize;

use super::{
    Nav, error_page,
    forms::{self, Problem},
    redirect,
};
use crate::{
    access::{self, ProductScope},
    auth::session::{MaybePageUser, PageUser, SessionConfig},
    db,
    error::ApiError,
};

/// One choice of the kind list.
struct KindOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "decision.html")]
struct DecisionPage {
    nav: Nav,
    csrf: String,
    slug: String,
    name: String,
    phase: &'static str,
    kinds: Vec<KindOption>,
    decided_on: String,
    rationale: String,
    errors: Vec<Problem>,
}

impl DecisionPage {
    /// The error shown next to the field `id`, if any.
    fn error_of(&self, id: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.message.as_str())
    }
}

/// The form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    rationale: String,
}

/// The signed-in manager of the product's incubator (or an admin).
async fn manager(
    visitor: MaybePageUser,
    db: &web::Data<Database>,
    slug: &str,
) -> Result<(PageUser, ProductScope), HttpResponse> {
    let (user, scope) = forms::visitor_and_product(visitor, db, slug).await?;
    access::require(&user.user, scope.manage()).map_err(error_page)?;
    Ok((user, scope))
}

async fn render(
    db: &web::Data<Database>,
    config: &SessionConfig,
    user: &PageUser,
    scope: &ProductScope,
    form: DecisionForm,
    errors: Vec<Problem>,
) -> HttpResponse {
    let slug = scope.slug.clone();
    let product = scope.id;
    let loaded = db::read(db, move |c| {
        Ok((
            products::find(c, &slug)?.1.name,
            phases::history(c, product)?,
        ))
    })
    .await;
    let (name, history) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return error_page(e),
    };
    let refused = !errors.is_empty();
    let mut response = super::render(&DecisionPage {
        nav: Nav::of(user, config),
        csrf: config.csrf("session", &user.jwt),
        slug: scope.slug.to_string(),
        name,
        phase: history.status().label_fr(),
        kinds: DecisionKind::ALL
            .into_iter()
            .map(|k| KindOption {
                value: k.as_str(),
                label: k.label_fr(),
                selected: k.as_str() == form.kind,
            })
            .collect(),
        decided_on: if form.decided_on.is_empty() {
            Utc::now().date_naive().to_string()
        } else {
            form.decided_on
        },
        rationale: form.rationale,
        errors,
    });
    if refused && response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// The empty form, dated today.
#[get("/produits/{slug}/decisions/nouvelle")]
pub async fn show(
    visitor: MaybePageUser,
    db: web::Data<Database>,
    config: web::Data<SessionConfig>,
    path: web::Path<String>,
) -> HttpResponse {
    match manager(visitor, &db, &path).await {
        Ok((user, scope)) => {
            render(
                &db,
                &config,
                &user,
                &scope,
                DecisionForm::default(),
                Vec::new(),
            )
            .await
        }
        Err(response) => response,
    }
}

fn problem(id: &str, label: &str, message: String) -> Problem {
    Problem {
        id: id.to_owned(),
        label: label.to_owned(),
        message,
    }
}

/// The phase rules' refusal, in French, on the field it concerns. The domain answers in
/// English for the API; the history read just before gives the phase and its start.
fn refusal(error: ApiError, history: Option<&PhaseHistory>) -> Result<Problem, ApiError> {
    let current = history.and_then(|h| h.records().last());
    match error {
        ApiError::Invalid { field, problem: p } if field == "decided_on" => Ok(problem(
            "decided_on",
            "Date",
            if p.contains("future") {
                "La date ne peut pas être dans le futur.".to_owned()
            } else {
                forms::french_problem(&p)
            },
        )),
        ApiError::Conflict(reason) if reason.contains("before the current phase") => Ok(problem(
            "decided_on",
            "Date",
            match current {
                Some(r) => format!(
                    "Une décision ne peut pas être datée d'avant le début de la phase en cours \
                     ({}, commencée le {}).",
                    r.phase.label_fr(),
                    french::date(r.started_on)
                ),
                None => "Une décision ne peut pas être datée d'avant la phase en cours.".to_owned(),
            },
        )),
        ApiError::Conflict(reason) if reason.contains("stopped") => Ok(problem(
            "kind",
            "Décision",
            "Le produit est arrêté : aucune décision ne peut plus être enregistrée.".to_owned(),
        )),
        ApiError::Conflict(reason) if reason.contains("last phase") => Ok(problem(
            "kind",
            "Décision",
            "La pérennisation est la dernière phase : il n'y a pas de phase suivante.".to_owned(),
        )),
        ApiError::Conflict(reason) => Ok(problem(
            "kind",
            "Décision",
            format!("Décision refusée ({reason})."),
        )),
        other => Err(other),
    }
}

/// Records the decision, then back to the product page; the form again (422) with the
/// reasons otherwise.
#[post("/produits/{slug}/decisions/nouvelle")]
pub async fn create(
    visitor: MaybePageUser,
    db: web::Data<Database>,
    config: web::Data<SessionConfig>,
    path: web::Path<String>,
    form: web::Form<DecisionForm>,
) -> HttpResponse {
    let (user, scope) = match forms::visitor_and_product(visitor, &db, &path).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let form = form.into_inner();
    if let Err(e) = forms::check_csrf(&config, &user, &form.csrf) {
        return error_page(e);
    }
    if let Err(e) = access::require(&user.user, scope.manage()) {
        return error_page(e);
    }
    let mut errors = Vec::new();
    let kind = DecisionKind::parse(&form.kind).map_err(|_| {
        errors.push(problem(
            "kind",
            "Décision",
            "Choisissez une décision.".to_owned(),
        ));
    });
    let decided_on = form.decided_on.trim().parse::<NaiveDate>().map_err(|_| {
        errors.push(problem(
            "decided_on",
            "Date",
            "Saisissez une date au format AAAA-MM-JJ.".to_owned(),
        ));
    });
    let rationale = Rationale::parse(&form.rationale).map_err(|e| {
        let message = match ApiError::from(e) {
            ApiError::Invalid { problem: p, .. } if p.contains("empty") => {
                "Expliquez la décision : la motivation est obligatoire.".to_owned()
            }
            _ => "La motivation est trop longue (10 000 caractères au plus).".to_owned(),
        };
        errors.push(problem("rationale", "Motivation", message));
    });
    let (Ok(kind), Ok(decided_on), Ok(rationale)) = (kind, decided_on, rationale) else {
        return render(&db, &config, &user, &scope, form, errors).await;
    };
    let decision = NewDecision {
        kind,
        decided_on,
        rationale,
    };
    let actor = access::actor(&crate::auth::Principal::User(user.user.clone()));
    let today = Utc::now().date_naive();
    let product = scope.id;
    let written = db::write(&db, move |c| {
        phases::record_decision(c, product, &decision, actor, today)
    })
    .await;
    let refused = match written {
        Ok(_) => return redirect(&format!("/produits/{}", scope.slug)),
        Err(e) => {
            // Read after the refusal, for the phase the French reason names.
            let history = db::read(&db, move |c| phases::history(c, product))
                .await
                .ok();
            refusal(e, history.as_ref())
        }
    };
    match refused {
        Ok(problem) => render(&db, &config, &user, &scope, form, vec![problem]).await,
        Err(e) => error_page(e),
    }
}
