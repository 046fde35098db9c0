//! The whole product sheet (thematiques, contacts, links, statuses, co-incubation), read and
//! set by `PUT /api/v1/products/{slug}/sheet` and the page `/produits/{slug}/modifier` alike.

use actix_web::web;
use pilote_domain::{DomainError, ProductSheet, Slug};
use pilote_store::{Database, StoreError, repo::sheets, transaction::lock_product};

use crate::{access, auth::Principal, db, error::ApiError, service::scope};

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
