//! `/produits/{slug}/decisions/nouvelle`: recording a committee decision (the incubator's
//! managers, admins), through the store's `phases::record_decision` like the API. A decision
//! the phase rules refuse is shown with the rule's reason next to the field at fault.

use actix_web::{get, post, web};
use askama::Template;
use chrono::Utc;
use pilote_domain::{DecisionKind, NewDecision, Rationale};
use pilote_store::{
    Database,
    repo::{phases, products},
};
use serde::Deserialize;

use super::{
    Nav,
    forms::{Choice, CsrfForm, FieldErrors, Need, PageResult, SignedIn, form_page},
    redirect,
};
use crate::{access::ProductScope, db, service::decisions};

#[derive(Template)]
#[template(path = "decision.html")]
struct DecisionPage {
    nav: Nav,
    scope: ProductScope,
    name: String,
    phase: &'static str,
    kinds: Vec<Choice>,
    form: DecisionForm,
    errors: FieldErrors,
}

/// The form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    kind: String,
    decided_on: String,
    rationale: String,
}

/// `(id, label)` of the fields a refusal may name; the first takes those that name none.
const FIELDS: [(&str, &str); 3] = [
    ("kind", "Décision"),
    ("decided_on", "Date"),
    ("rationale", "Motivation"),
];

async fn page(
    db: &web::Data<Database>,
    (nav, scope): (Nav, ProductScope),
    form: DecisionForm,
    errors: FieldErrors,
) -> PageResult {
    let (slug, id) = (scope.slug.clone(), scope.id);
    let (name, history) = db::read(db, move |c| {
        Ok((products::find(c, &slug)?.1.name, phases::history(c, id)?))
    })
    .await?;
    // « Passage en construction »: the form names the phase an advance leads to.
    let current = history.status().phase();
    let kinds = DecisionKind::ALL.map(|k| (k.as_str(), k.label_from(current)));
    let (kinds, phase) = (Choice::list(kinds, &form.kind), history.status().label_fr());
    let page = DecisionPage {
        nav,
        scope,
        name,
        phase,
        kinds,
        form,
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

/// The empty form, dated today.
#[get("/produits/{slug}/decisions/nouvelle")]
pub async fn show(user: SignedIn, db: web::Data<Database>, slug: web::Path<String>) -> PageResult {
    let scope = user.product(&db, &slug, Need::Manage).await?;
    let decided_on = Utc::now().date_naive().to_string();
    let form = DecisionForm {
        decided_on,
        ..DecisionForm::default()
    };
    page(&db, (user.nav, scope), form, FieldErrors::default()).await
}

/// Records the decision, then back to the product page; the form again (422) with the
/// reasons otherwise.
#[post("/produits/{slug}/decisions/nouvelle")]
pub async fn create(
    CsrfForm { user, fields: form }: CsrfForm<DecisionForm>,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Manage).await?;
    let mut errors = FieldErrors::default();
    let kind = DecisionKind::parse(&form.kind);
    let kind = errors.choice("kind", "Décision", kind, "Choisissez une décision.");
    let decided_on = errors.date("decided_on", "Date", &form.decided_on);
    let rationale = errors.check("rationale", "Motivation", Rationale::parse(&form.rationale));
    if let (Some(kind), Some(decided_on), Some(rationale)) = (kind, decided_on, rationale) {
        let decision = NewDecision {
            kind,
            decided_on,
            rationale,
        };
        match decisions::record(&db, &user.principal(), &scope, decision).await {
            Ok(_) => return Ok(redirect(&format!("/produits/{}", scope.slug))),
            Err(refused) => errors.refused(refused, &FIELDS)?,
        }
    }
    page(&db, (user.nav, scope), form, errors).await
}
