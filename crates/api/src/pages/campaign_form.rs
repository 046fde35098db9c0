//! `/appels` (the campaigns of the incubators the visitor manages, each with its funnel) and
//! `/appels/nouveau` (a new campaign; its criteria typed one per line, « clé ; libellé ;
//! poids »), through the same service as `POST /api/v1/incubators/{slug}/campaigns`.

use actix_web::{get, post, web};
use askama::Template;
use pilote_domain::{Audience, Campaign, Funnel};
use pilote_store::Database;
use serde::Deserialize;

use super::{
    Nav,
    forms::{Choice, CsrfForm, FieldErrors, PageResult, SignedIn, form_page},
    product_form::managed_incubators,
    redirect,
};
use crate::service::campaigns::{self, NewCampaign, NewCriterion};

#[derive(Template)]
#[template(path = "campaigns.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<(Campaign, Funnel, String)>,
}

/// The campaigns the visitor manages, the latest first.
#[get("/appels")]
pub async fn list(user: SignedIn, db: web::Data<Database>) -> PageResult {
    let rows = campaigns::managed(&db, &user.principal())
        .await?
        .into_iter()
        .map(|(c, f)| {
            let dates = format!(
                "du {} au {}",
                pilote_domain::french::date(c.opens_on),
                pilote_domain::french::date(c.closes_on)
            );
            (c, f, dates)
        })
        .collect();
    Ok(super::render(&ListPage {
        nav: user.nav,
        rows,
    }))
}

#[derive(Template)]
#[template(path = "campaign_form.html")]
struct FormPage {
    nav: Nav,
    incubators: Vec<Choice>,
    audiences: Vec<Choice>,
    form: CampaignForm,
    errors: FieldErrors,
}

/// The form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CampaignForm {
    incubator: String,
    slug: String,
    title: String,
    opens_on: String,
    closes_on: String,
    audience: String,
    description: String,
    criteria: String,
}

const FIELDS: [(&str, &str); 8] = [
    ("title", "Titre"),
    ("incubator", "Incubateur"),
    ("slug", "Identifiant"),
    ("opens_on", "Ouverture"),
    ("closes_on", "Clôture"),
    ("audience", "Public"),
    ("description", "Description"),
    ("criteria", "Critères"),
];

fn audiences(chosen: &str) -> Vec<Choice> {
    Choice::list(Audience::ALL.map(|a| (a.as_str(), a.label_fr())), chosen)
}

/// The criteria typed one per line: « clé ; libellé ; poids ».
fn criteria(text: &str, errors: &mut FieldErrors) -> Vec<NewCriterion> {
    let mut all = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = line.split(';').map(str::trim).collect();
        match parts.as_slice() {
            [key, label, weight] => match weight.parse() {
                Ok(weight) => all.push(NewCriterion {
                    key: (*key).to_owned(),
                    label: (*label).to_owned(),
                    weight,
                }),
                Err(_) => errors.add(FIELDS[7].0, FIELDS[7].1, "Le poids est un nombre entier."),
            },
            _ => errors.add(
                FIELDS[7].0,
                FIELDS[7].1,
                "Écrivez un critère par ligne : clé ; libellé ; poids.",
            ),
        }
    }
    all
}

async fn page(
    db: &web::Data<Database>,
    user: SignedIn,
    form: CampaignForm,
    errors: FieldErrors,
) -> PageResult {
    let page = FormPage {
        incubators: managed_incubators(db, &user, &form.incubator).await?,
        audiences: audiences(&form.audience),
        nav: user.nav,
        form,
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

/// The empty form.
#[get("/appels/nouveau")]
pub async fn new_form(user: SignedIn, db: web::Data<Database>) -> PageResult {
    let form = CampaignForm {
        criteria: "impact ; Impact pour les usagers ; 3\nfaisabilite ; Faisabilité ; 1".to_owned(),
        ..CampaignForm::default()
    };
    page(&db, user, form, FieldErrors::default()).await
}

/// Creates the campaign, then its managers' page; the form again (422) otherwise.
#[post("/appels/nouveau")]
pub async fn create(
    CsrfForm { user, fields: form }: CsrfForm<CampaignForm>,
    db: web::Data<Database>,
) -> PageResult {
    let mut errors = FieldErrors::default();
    let opens_on = errors.date(FIELDS[3].0, FIELDS[3].1, &form.opens_on);
    let closes_on = errors.date(FIELDS[4].0, FIELDS[4].1, &form.closes_on);
    let criteria = criteria(&form.criteria, &mut errors);
    if let (Some(opens_on), Some(closes_on), true) = (opens_on, closes_on, errors.is_empty()) {
        let new = NewCampaign {
            slug: form.slug.clone(),
            title: form.title.clone(),
            opens_on,
            closes_on,
            audience: form.audience.clone(),
            description: form.description.clone(),
            criteria,
        };
        match campaigns::create(&db, &user.principal(), &form.incubator, new).await {
            Ok(slug) => return Ok(redirect(&format!("/appels/{slug}/candidatures"))),
            Err(refused) => errors.refused(refused, &FIELDS)?,
        }
    }
    page(&db, user, form, errors).await
}
