//! `/produits/{slug}/contrat/objectifs/nouveau` and `…/objectifs/{id}/modifier`: an objective
//! of the contract — an indicator, where it stood (baseline), where it should be and by when
//! (target), the tolerance — for the incubator's managers and admins, through the same
//! service as `POST` and `PATCH /api/v1/products/{slug}/contract/objectives`.

use actix_web::{get, post, web};
use askama::Template;
use chrono::NaiveDate;
use pilote_charts::french;
use pilote_domain::{Objective, Point, Tolerance};
use pilote_store::{
    Database, ObjectiveId,
    repo::{contracts, indicators, objectives, products},
};
use serde::Deserialize;

use super::{
    Nav,
    forms::{Choice, CsrfForm, FieldErrors, Need, PageResult, SignedIn, form_page, parse_decimal},
    product_nav::{ProductNav, Tab, Visit},
    redirect,
};
use crate::{
    db,
    service::contract::{self, ObjectiveChanges},
};

#[derive(Template)]
#[template(path = "objective_form.html")]
struct ObjectivePage {
    nav: Nav,
    product_nav: ProductNav,
    slug: String,
    name: String,
    /// The objective's id, when editing.
    id: Option<i64>,
    /// Whether the product has a contract (objectives belong to it).
    has_contract: bool,
    /// The product's indicators (a new objective), or the objective's (shown, not changed).
    indicators: Vec<Choice>,
    indicator_label: String,
    form: ObjectiveForm,
    errors: FieldErrors,
}

/// The form's fields, as typed; named as the domain's fields, so that a refusal lands on its
/// field.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ObjectiveForm {
    indicator: String,
    #[serde(rename = "baseline.value")]
    baseline_value: String,
    #[serde(rename = "baseline.on")]
    baseline_on: String,
    #[serde(rename = "target.value")]
    target_value: String,
    #[serde(rename = "target.by")]
    target_by: String,
    tolerance: String,
}

/// `(id, label)` of the fields a refusal may name; the first takes those that name none.
const FIELDS: [(&str, &str); 6] = [
    ("indicator", "Indicateur"),
    ("baseline.value", "Valeur de référence"),
    ("baseline.on", "Date de la référence"),
    ("target.value", "Cible"),
    ("target.by", "Échéance"),
    ("tolerance", "Tolérance"),
];

impl ObjectiveForm {
    fn of(o: &Objective) -> ObjectiveForm {
        ObjectiveForm {
            indicator: String::new(),
            baseline_value: french::decimal(o.baseline.value),
            baseline_on: o.baseline.on.to_string(),
            target_value: french::decimal(o.target.value),
            target_by: o.target.on.to_string(),
            tolerance: french::decimal(o.tolerance.get()),
        }
    }

    /// The objective typed, or `None` with the problems on their fields.
    fn read(&self, errors: &mut FieldErrors) -> Option<Objective> {
        let mut number = |id: &str, label: &str, text: &str| {
            let value = parse_decimal(text);
            if value.is_none() {
                errors.add(id, label, "Saisissez un nombre, par exemple 12,5.");
            }
            value
        };
        let baseline_value = number(FIELDS[1].0, FIELDS[1].1, &self.baseline_value);
        let target_value = number(FIELDS[3].0, FIELDS[3].1, &self.target_value);
        let tolerance = number(FIELDS[5].0, FIELDS[5].1, &self.tolerance);
        let baseline_on = errors.date(FIELDS[2].0, FIELDS[2].1, &self.baseline_on);
        let target_by = errors.date(FIELDS[4].0, FIELDS[4].1, &self.target_by);
        let tolerance = errors.check(FIELDS[5].0, FIELDS[5].1, Tolerance::new(tolerance?));
        let point = |value: Option<f64>, on: Option<NaiveDate>| {
            Some(Point {
                value: value?,
                on: on?,
            })
        };
        let (baseline, target) = (
            point(baseline_value, baseline_on),
            point(target_value, target_by),
        );
        let objective = Objective::new(baseline?, target?, tolerance?);
        errors.check(FIELDS[4].0, FIELDS[4].1, objective)
    }
}

async fn page(
    db: &web::Data<Database>,
    visit: Visit,
    id: Option<i64>,
    form: ObjectiveForm,
    errors: FieldErrors,
) -> PageResult {
    let product = visit.scope.id;
    let (name, has_contract, all, record) = db::read(db, move |c| {
        let record = id
            .map(|id| objectives::get(c, product, ObjectiveId(id)))
            .transpose()?;
        Ok((
            products::get(c, product)?.name,
            contracts::find(c, product)?.is_some(),
            indicators::list(c, product)?,
            record,
        ))
    })
    .await?;
    let indicator_label = record
        .as_ref()
        .and_then(|r| all.iter().find(|(_, i)| i.key == r.indicator))
        .map(|(_, i)| i.label.clone())
        .unwrap_or_default();
    let indicators = Choice::list(
        all.iter()
            .map(|(_, i)| (i.key.to_string(), i.label.clone())),
        &form.indicator,
    );
    let here = if id.is_some() {
        "Modifier un objectif"
    } else {
        "Nouvel objectif"
    };
    let page = ObjectivePage {
        product_nav: visit.product_nav(&name, Tab::Contract, here),
        nav: visit.nav,
        slug: visit.scope.slug.to_string(),
        name,
        id,
        has_contract,
        indicators,
        indicator_label,
        form,
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

/// The empty form of a new objective (a tolerance of 0,1 by default).
#[get("/produits/{slug}/contrat/objectifs/nouveau")]
pub async fn new_form(
    user: SignedIn,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Manage).await?;
    let form = ObjectiveForm {
        tolerance: "0,1".to_owned(),
        ..ObjectiveForm::default()
    };
    page(
        &db,
        Visit::new(user, scope),
        None,
        form,
        FieldErrors::default(),
    )
    .await
}

/// Adds the objective, then the contract's page; the form again (422) with the reasons
/// otherwise.
#[post("/produits/{slug}/contrat/objectifs/nouveau")]
pub async fn create(
    CsrfForm { user, fields: form }: CsrfForm<ObjectiveForm>,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Manage).await?;
    let mut errors = FieldErrors::default();
    if form.indicator.trim().is_empty() {
        errors.add(FIELDS[0].0, FIELDS[0].1, "Choisissez un indicateur.");
    }
    if let Some(objective) = form.read(&mut errors).filter(|_| errors.is_empty()) {
        let principal = user.principal();
        match contract::create_objective(&db, &principal, &scope, &form.indicator, objective).await
        {
            Ok(_) => return Ok(redirect(&format!("/produits/{}/contrat", scope.slug))),
            Err(refused) => errors.refused(refused, &FIELDS)?,
        }
    }
    page(&db, Visit::new(user, scope), None, form, errors).await
}

/// The objective's form, filled with what is stored (404 for an objective of another
/// product).
#[get("/produits/{slug}/contrat/objectifs/{id}/modifier")]
pub async fn edit_form(
    user: SignedIn,
    db: web::Data<Database>,
    path: web::Path<(String, i64)>,
) -> PageResult {
    let (slug, id) = path.into_inner();
    let scope = user.product(&db, &slug, Need::Manage).await?;
    let product = scope.id;
    let record = db::read(&db, move |c| objectives::get(c, product, ObjectiveId(id))).await?;
    let form = ObjectiveForm::of(&record.objective);
    page(
        &db,
        Visit::new(user, scope),
        Some(id),
        form,
        FieldErrors::default(),
    )
    .await
}

/// Saves the objective, then the contract's page; the form again (422) with the reasons
/// otherwise.
#[post("/produits/{slug}/contrat/objectifs/{id}/modifier")]
pub async fn update(
    CsrfForm { user, fields: form }: CsrfForm<ObjectiveForm>,
    db: web::Data<Database>,
    path: web::Path<(String, i64)>,
) -> PageResult {
    let (slug, id) = path.into_inner();
    let scope = user.product(&db, &slug, Need::Manage).await?;
    let mut errors = FieldErrors::default();
    if let Some(objective) = form.read(&mut errors) {
        let changes = ObjectiveChanges {
            baseline: Some(objective.baseline),
            target: Some(objective.target),
            tolerance: Some(objective.tolerance.get()),
        };
        match contract::update_objective(&db, &user.principal(), &scope, id, changes).await {
            Ok(_) => return Ok(redirect(&format!("/produits/{}/contrat", scope.slug))),
            Err(refused) => errors.refused(refused, &FIELDS[1..])?,
        }
    }
    page(&db, Visit::new(user, scope), Some(id), form, errors).await
}
