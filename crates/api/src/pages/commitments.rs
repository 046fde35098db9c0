//! `/produits/{slug}/engagements`: the contract's doctrine commitments, one per area
//! (accessibility, security, eco-design, open source, data): what is expected, where the
//! product stands, the evidence. The incubator's managers and admins, through the same
//! service as `/api/v1/products/{slug}/contract/commitments`; all areas saved at once, each
//! change audited.

use std::collections::HashMap;

use actix_web::{get, post, web};
use askama::Template;
use pilote_domain::{Commitment, CommitmentArea};
use pilote_store::{
    Database,
    repo::{commitments, contracts, products},
};

use super::{
    Nav,
    forms::{CsrfForm, FieldErrors, Need, PageResult, SignedIn, form_page, optional},
    product_nav::{ProductNav, Tab, Visit},
    redirect,
};
use crate::{db, service};

/// The three fields of a commitment, `(suffix, label)`; an input is `area.suffix`.
const PARTS: [(&str, &str); 3] = [
    ("expected", "Attendu"),
    ("current", "Constaté"),
    ("evidence_url", "Preuve"),
];

/// One field of an area.
struct Part {
    id: String,
    label: String,
    value: String,
}

/// An area and its three fields.
struct AreaBlock {
    area: &'static str,
    expected: Part,
    current: Part,
    evidence: Part,
    /// How many more commitments the area has (the API may add several; the page edits the
    /// first).
    others: usize,
}

#[derive(Template)]
#[template(path = "commitments.html")]
struct CommitmentsPage {
    nav: Nav,
    product_nav: ProductNav,
    slug: String,
    name: String,
    has_contract: bool,
    areas: Vec<AreaBlock>,
    errors: FieldErrors,
}

fn id(area: CommitmentArea, part: &str) -> String {
    format!("{}.{part}", area.as_str())
}

fn label(area: CommitmentArea, part: &str) -> String {
    format!("{} : {}", area.label_fr(), part.to_lowercase())
}

/// The form filled with each area's first stored commitment.
fn stored(all: &[(pilote_store::CommitmentId, Commitment)]) -> HashMap<String, String> {
    let mut form = HashMap::new();
    for area in CommitmentArea::ALL {
        if let Some((_, c)) = all.iter().find(|(_, c)| c.area == area) {
            form.insert(id(area, "expected"), c.expected.clone());
            form.insert(id(area, "current"), c.current.clone());
            let evidence = c.evidence_url.clone().unwrap_or_default();
            form.insert(id(area, "evidence_url"), evidence);
        }
    }
    form
}

async fn page(
    db: &web::Data<Database>,
    visit: Visit,
    typed: Option<HashMap<String, String>>,
    errors: FieldErrors,
) -> PageResult {
    let product = visit.scope.id;
    let (name, has_contract, all) = db::read(db, move |c| {
        Ok((
            products::get(c, product)?.name,
            contracts::find(c, product)?.is_some(),
            commitments::list(c, product)?,
        ))
    })
    .await?;
    let form = typed.unwrap_or_else(|| stored(&all));
    let part = |area: CommitmentArea, (suffix, name): (&str, &str)| {
        let id = id(area, suffix);
        Part {
            value: form.get(&id).cloned().unwrap_or_default(),
            label: label(area, name),
            id,
        }
    };
    let areas = CommitmentArea::ALL
        .into_iter()
        .map(|area| AreaBlock {
            area: area.label_fr(),
            expected: part(area, PARTS[0]),
            current: part(area, PARTS[1]),
            evidence: part(area, PARTS[2]),
            others: all
                .iter()
                .filter(|(_, c)| c.area == area)
                .count()
                .saturating_sub(1),
        })
        .collect();
    let page = CommitmentsPage {
        product_nav: visit.product_nav(&name, Tab::Contract, "Engagements"),
        nav: visit.nav,
        slug: visit.scope.slug.to_string(),
        name,
        has_contract,
        areas,
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

/// The five areas, filled with the stored commitments.
#[get("/produits/{slug}/engagements")]
pub async fn show(user: SignedIn, db: web::Data<Database>, slug: web::Path<String>) -> PageResult {
    let scope = user.product(&db, &slug, Need::Manage).await?;
    page(&db, Visit::new(user, scope), None, FieldErrors::default()).await
}

/// Reads each area: its commitment, `None` when all three fields are blank (no commitment),
/// the problems on their fields otherwise.
fn read(
    form: &HashMap<String, String>,
    errors: &mut FieldErrors,
) -> Vec<(CommitmentArea, Option<Commitment>)> {
    let text = |area, part| form.get(&id(area, part)).map_or("", |v| v.trim());
    let mut wanted = Vec::new();
    for area in CommitmentArea::ALL {
        let blank = PARTS.iter().all(|(part, _)| text(area, part).is_empty());
        if blank {
            wanted.push((area, None));
            continue;
        }
        let commitment = Commitment {
            area,
            expected: text(area, "expected").to_owned(),
            current: text(area, "current").to_owned(),
            evidence_url: optional(text(area, "evidence_url")),
        };
        if let Err(refused) = commitment.validate() {
            let part = PARTS
                .iter()
                .find(|(part, _)| Some(*part) == refused.field())
                .unwrap_or(&PARTS[0]);
            errors.add(&id(area, part.0), &label(area, part.1), refused.french());
        }
        wanted.push((area, Some(commitment)));
    }
    wanted
}

/// Saves every area, then the contract's page; the form again (422) with the reasons
/// otherwise, nothing written.
#[post("/produits/{slug}/engagements")]
pub async fn save(
    CsrfForm { user, fields: form }: CsrfForm<HashMap<String, String>>,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Manage).await?;
    let mut errors = FieldErrors::default();
    let wanted = read(&form, &mut errors);
    if errors.is_empty() {
        let first = (
            id(CommitmentArea::ALL[0], "expected"),
            label(CommitmentArea::ALL[0], "Attendu"),
        );
        match service::commitments::set_by_area(&db, &user.principal(), &scope, wanted).await {
            Ok(_) => return Ok(redirect(&format!("/produits/{}/contrat", scope.slug))),
            Err(refused) => errors.refused_at(refused, |_| first)?,
        }
    }
    page(&db, Visit::new(user, scope), Some(form), errors).await
}
