//! `/produits/{slug}/contrat/modifier`: the contrat de réussite's dates, review cadence,
//! budget per year and phase milestones (the incubator's managers, admins), through the same
//! service as `PUT /api/v1/products/{slug}/contract`. Objectives, commitments and reviews are
//! kept; they have their own pages.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use actix_web::{get, post, web};
use askama::Template;
use chrono::{Datelike, NaiveDate, Utc};
use pilote_domain::{Contract, Milestone, Phase};
use pilote_store::{
    Database,
    repo::{contracts, products},
};

use super::{
    Nav,
    forms::{CsrfForm, FieldErrors, Need, PageResult, SignedIn, form_page, parse_euros},
    product_nav::{ProductNav, Tab, Visit},
    redirect,
};
use crate::{db, service::contract};

/// One field of the form, drawn by `_form.html`'s `input`.
pub struct Field {
    pub id: String,
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "contract_form.html")]
struct ContractFormPage {
    nav: Nav,
    /// The breadcrumb and the product's tabs.
    product_nav: ProductNav,
    slug: String,
    name: String,
    creating: bool,
    dates: Vec<(Field, &'static str)>,
    cadence: Field,
    budgets: Vec<Field>,
    milestones: Vec<Field>,
    errors: FieldErrors,
}

const DATES: [(&str, &str, &str); 3] = [
    ("signed_on", "Date de signature", ""),
    ("starts_on", "Début du contrat", "Premier jour couvert."),
    ("ends_on", "Fin du contrat", "Dernier jour couvert."),
];

fn budget_id(year: i32) -> String {
    format!("budget_per_year.{year}")
}

fn milestone_id(phase: Phase) -> String {
    format!("milestone.{}", phase.as_str())
}

/// The years a budget may be typed for: those of `typed` (the form as posted), or the
/// contract's and the next few.
fn years(contract: Option<&Contract>, typed: &HashMap<String, String>) -> Vec<i32> {
    let posted: BTreeSet<i32> = typed
        .keys()
        .filter_map(|k| k.strip_prefix("budget_per_year.")?.parse().ok())
        .collect();
    if !posted.is_empty() {
        return posted.into_iter().collect();
    }
    let this = Utc::now().year();
    let (first, last) = contract.map_or((this, this + 3), |c| {
        (c.starts_on.year().min(this), c.ends_on.year().max(this + 3))
    });
    let mut all: BTreeSet<i32> = (first..=last).collect();
    if let Some(c) = contract {
        all.extend(c.budget_per_year.keys());
    }
    all.into_iter().collect()
}

/// The form filled with a stored contract (blank for a new one).
fn stored(contract: Option<&Contract>) -> HashMap<String, String> {
    let mut form = HashMap::new();
    let Some(c) = contract else {
        form.insert("review_cadence_months".to_owned(), "3".to_owned());
        return form;
    };
    for (id, date) in [
        ("signed_on", c.signed_on),
        ("starts_on", c.starts_on),
        ("ends_on", c.ends_on),
    ] {
        form.insert(id.to_owned(), date.to_string());
    }
    form.insert(
        "review_cadence_months".to_owned(),
        c.review_cadence_months.to_string(),
    );
    for (year, amount) in &c.budget_per_year {
        form.insert(budget_id(*year), amount.to_string());
    }
    for m in &c.milestones {
        form.insert(milestone_id(m.phase), m.planned_on.to_string());
    }
    form
}

async fn page(
    db: &web::Data<Database>,
    visit: Visit,
    form: HashMap<String, String>,
    errors: FieldErrors,
) -> PageResult {
    let id = visit.scope.id;
    let (name, existing) = db::read(db, move |c| {
        Ok((products::get(c, id)?.name, contracts::find(c, id)?))
    })
    .await?;
    let existing = existing.map(|(_, c)| c);
    let value = |id: &str| form.get(id).cloned().unwrap_or_default();
    let field = |id: String, label: String| Field {
        value: value(&id),
        id,
        label,
    };
    let creating = existing.is_none();
    let here = if creating {
        "Nouveau contrat"
    } else {
        "Modifier le contrat"
    };
    let page = ContractFormPage {
        product_nav: visit.product_nav(&name, Tab::Contract, here),
        nav: visit.nav,
        slug: visit.scope.slug.to_string(),
        name,
        creating,
        dates: DATES
            .iter()
            .map(|(id, label, hint)| (field((*id).to_owned(), (*label).to_owned()), *hint))
            .collect(),
        cadence: field(
            "review_cadence_months".to_owned(),
            "Fréquence des revues (en mois)".to_owned(),
        ),
        budgets: years(existing.as_ref(), &form)
            .into_iter()
            .map(|y| field(budget_id(y), format!("Budget {y} (en euros)")))
            .collect(),
        milestones: Phase::ALL
            .into_iter()
            .map(|p| {
                field(
                    milestone_id(p),
                    format!("Entrée en {}", p.label_fr().to_lowercase()),
                )
            })
            .collect(),
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

/// The contract's form, filled with the stored contract if there is one.
#[get("/produits/{slug}/contrat/modifier")]
pub async fn edit_form(
    user: SignedIn,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Manage).await?;
    let id = scope.id;
    let existing = db::read(&db, move |c| contracts::find(c, id)).await?;
    let form = stored(existing.as_ref().map(|(_, c)| c));
    page(&db, Visit::new(user, scope), form, FieldErrors::default()).await
}

/// Reads the form: the contract, or `None` with the problems on their fields.
fn read(form: &HashMap<String, String>, errors: &mut FieldErrors) -> Option<Contract> {
    let text = |id: &str| form.get(id).map_or("", |v| v.trim());
    let mut dates = Vec::new();
    for (id, label, _) in DATES {
        dates.push(errors.date(id, label, text(id)));
    }
    let cadence = text("review_cadence_months").parse::<u32>().ok();
    if cadence.is_none() {
        errors.add(
            "review_cadence_months",
            "Fréquence des revues",
            "Saisissez un nombre entier de mois, de 1 à 24.",
        );
    }
    let mut budget_per_year = BTreeMap::new();
    // In key order, so that the summary lists the years in order.
    let sorted: BTreeMap<_, _> = form.iter().collect();
    for (id, typed) in sorted {
        let Some(year) = id.strip_prefix("budget_per_year.") else {
            continue;
        };
        let (Ok(year), typed) = (year.parse::<i32>(), typed.trim()) else {
            continue;
        };
        if typed.is_empty() {
            continue;
        }
        match parse_euros(typed) {
            Some(amount) => {
                budget_per_year.insert(year, amount);
            }
            None => errors.add(
                id,
                &format!("Budget {year}"),
                "Saisissez un montant en euros entiers, par exemple 600 000.",
            ),
        }
    }
    let mut milestones = Vec::new();
    for phase in Phase::ALL {
        let id = milestone_id(phase);
        let typed = text(&id);
        if typed.is_empty() {
            continue;
        }
        let label = format!("Entrée en {}", phase.label_fr().to_lowercase());
        if let Some(planned_on) = errors.date(&id, &label, typed) {
            milestones.push(Milestone { phase, planned_on });
        }
    }
    let [Some(signed_on), Some(starts_on), Some(ends_on)]: [Option<NaiveDate>; 3] =
        dates.try_into().ok()?
    else {
        return None;
    };
    Some(Contract {
        signed_on,
        starts_on,
        ends_on,
        review_cadence_months: cadence?,
        budget_per_year,
        milestones,
    })
    .filter(|_| errors.is_empty())
}

/// The field a refusal of the contract names: `milestones[1].planned_on` is the second
/// milestone typed, in phase order.
fn located(named: Option<&str>, contract: &Contract) -> (String, String) {
    let Some(named) = named else {
        return ("signed_on".to_owned(), "Date de signature".to_owned());
    };
    if let Some(rest) = named.strip_prefix("milestones[") {
        let index: Option<usize> = rest.split(']').next().and_then(|i| i.parse().ok());
        if let Some(m) = index.and_then(|i| contract.milestones.get(i)) {
            let label = format!("Entrée en {}", m.phase.label_fr().to_lowercase());
            return (milestone_id(m.phase), label);
        }
    }
    let label = match named {
        "ends_on" => "Fin du contrat".to_owned(),
        "starts_on" => "Début du contrat".to_owned(),
        "review_cadence_months" => "Fréquence des revues".to_owned(),
        budget if budget.starts_with("budget_per_year.") => {
            format!("Budget {}", &budget["budget_per_year.".len()..])
        }
        _ => "Date de signature".to_owned(),
    };
    let id = if label == "Date de signature" {
        "signed_on"
    } else {
        named
    };
    (id.to_owned(), label)
}

/// Saves the contract, then the contract's page; the form again (422) with the reasons
/// otherwise.
#[post("/produits/{slug}/contrat/modifier")]
pub async fn save(
    CsrfForm { user, fields: form }: CsrfForm<HashMap<String, String>>,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Manage).await?;
    let mut errors = FieldErrors::default();
    if let Some(wanted) = read(&form, &mut errors) {
        let kept = wanted.clone();
        match contract::put(&db, &user.principal(), &scope, wanted).await {
            Ok(_) => return Ok(redirect(&format!("/produits/{}/contrat", scope.slug))),
            Err(refused) => errors.refused_at(refused, |named| located(named, &kept))?,
        }
    }
    page(&db, Visit::new(user, scope), form, errors).await
}
