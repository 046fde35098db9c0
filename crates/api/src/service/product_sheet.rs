//! The whole product sheet (thematiques, contacts, links, statuses, co-incubation), read and
//! set by `PUT /api/v1/products/{slug}/sheet` and the page `/produits/{slug}/modifier` alike.

use actix_web::web;
use pilote_domain::{
    AccessibilityStatus, Contacts, DomainError, DsfrStatus, Email, Links, MonServiceSecurise,
    Problem, ProductSheet, Slug,
};
use pilote_store::{Database, StoreError, repo::sheets, transaction::lock_product};

use crate::{access, auth::Principal, db, error::ApiError, service::scope};

/// The sheet as typed (the API's body, the page's form), before its words are read: e-mail
/// addresses, incubator slugs and statuses are still text.
#[derive(Debug, Default)]
pub struct SheetInput {
    pub thematiques: Vec<String>,
    pub user_types: Vec<String>,
    pub technos: Vec<String>,
    pub co_incubators: Vec<String>,
    /// The product's, DINUM's and the incubator's contacts, in that order.
    pub contacts: [Option<String>; 3],
    pub links: Links,
    /// A stable name (`partially_compliant`).
    pub accessibility_status: Option<String>,
    /// A stable name (`partial`).
    pub dsfr_status: Option<String>,
    pub monservicesecurise: MonServiceSecurise,
    pub risk_analysis: Option<bool>,
}

/// The domain's sheet; every field's problem at once (422, `ApiError::InvalidMany`), each
/// with its path (`contacts.dinum`, `co_incubators[1]`, `dsfr_status`). A blank contact is
/// none. Links are checked by [`set`] (`ProductSheet::checked`).
pub fn parse(input: SheetInput) -> Result<ProductSheet, ApiError> {
    let mut problems: Vec<(String, Problem)> = Vec::new();
    let mut keep = |field: &str, e: DomainError| {
        if let DomainError::Invalid { problem, .. } = e {
            problems.push((field.to_owned(), problem));
        }
    };
    let [product, dinum, incubator] = input.contacts;
    let mut email = |field: &str, text: Option<String>| {
        let text = text.filter(|t| !t.trim().is_empty())?;
        Email::parse(&text).map_err(|e| keep(field, e)).ok()
    };
    let contacts = Contacts {
        product: email("contacts.product", product),
        dinum: email("contacts.dinum", dinum),
        incubator: email("contacts.incubator", incubator),
    };
    let mut co_incubators = Vec::new();
    for (i, text) in input.co_incubators.iter().enumerate() {
        match Slug::parse(text) {
            Ok(slug) => co_incubators.push(slug),
            Err(e) => keep(&format!("co_incubators[{i}]"), e),
        }
    }
    let accessibility_status = input
        .accessibility_status
        .as_deref()
        .map(AccessibilityStatus::parse)
        .transpose()
        .map_err(|e| keep("accessibility_status", e))
        .ok()
        .flatten();
    let dsfr_status = input
        .dsfr_status
        .as_deref()
        .map(DsfrStatus::parse)
        .transpose()
        .map_err(|e| keep("dsfr_status", e))
        .ok()
        .flatten();
    if !problems.is_empty() {
        return Err(ApiError::InvalidMany(problems));
    }
    Ok(ProductSheet {
        thematiques: input.thematiques,
        user_types: input.user_types,
        technos: input.technos,
        co_incubators,
        contacts,
        links: input.links,
        accessibility_status,
        dsfr_status,
        monservicesecurise: input.monservicesecurise,
        risk_analysis: input.risk_analysis,
    })
}

/// The product's sheet and the incubator running it (404 for an unknown product).
pub async fn get(db: &web::Data<Database>, slug: &str) -> Result<(ProductSheet, Slug), ApiError> {
    let slug = scope::slug(slug, "product")?;
    db::read(db, move |c| {
        let (id, product) = pilote_store::repo::products::find(c, &slug)?;
        Ok((sheets::get(c, id)?, product.incubator))
    })
    .await
}

/// Replaces the product's sheet: its team and the managers of any incubator running it;
/// changing the co-incubators (who else may manage it) is for those managers only. Checked
/// (`ProductSheet::checked`), written under the product's lock, audited; an unknown
/// co-incubator is refused on field "co_incubators".
pub async fn set(
    db: &web::Data<Database>,
    principal: &Principal,
    slug: &str,
    sheet: ProductSheet,
) -> Result<ProductSheet, ApiError> {
    let slug = scope::slug(slug, "product")?;
    let user = access::person(principal)?.clone();
    let actor = access::actor(principal);
    db::write(db, move |c| {
        let scope = scope::product(c, &slug)?;
        lock_product(c, scope.id)?;
        if let Err(refused) = access::require(&user, scope.contribute()) {
            return Ok(Err(refused));
        }
        let co_changed = scope.incubators[1..] != sheet.co_incubators[..];
        if let (true, Err(refused)) = (co_changed, access::require(&user, scope.manage())) {
            return Ok(Err(refused));
        }
        match sheets::set(c, scope.id, sheet, actor) {
            Err(StoreError::NotFound { what: "incubator" }) => Ok(Err(unknown_incubator())),
            other => other.map(Ok),
        }
    })
    .await?
}

fn unknown_incubator() -> ApiError {
    ApiError::Refused(DomainError::rule(
        "co_incubators",
        "names an unknown incubator",
        "Un des incubateurs n’existe pas.",
    ))
}
