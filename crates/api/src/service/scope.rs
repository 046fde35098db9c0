//! The product a path names, for permission checks: routes, pages and the review pack all
//! start here.

use actix_web::web;
use pilote_domain::{Product, Slug};
use pilote_store::{
    Database, DbConnection, ProductId, StoreResult,
    repo::{products, sheets},
};

use crate::{access::ProductScope, db, error::ApiError};

/// A slug from the path: one that cannot be valid cannot exist either (404).
pub fn slug(text: &str, what: &'static str) -> Result<Slug, ApiError> {
    Slug::parse(text).map_err(|_| ApiError::NotFound(what))
}

/// A period from the path: any day of it, `YYYY-MM-DD` (422 on field "period" otherwise).
pub fn period_date(text: &str) -> Result<chrono::NaiveDate, ApiError> {
    text.parse().map_err(|_| ApiError::Invalid {
        field: "period".to_owned(),
        problem: "must be a date (YYYY-MM-DD)".to_owned(),
    })
}

/// The product a path names, for permission checks.
pub fn product(conn: &mut DbConnection, slug: &Slug) -> StoreResult<ProductScope> {
    let (id, product) = products::find(conn, slug)?;
    of(conn, id, product)
}

/// The scope of a product already loaded: its co-incubators are read here.
pub fn of(conn: &mut DbConnection, id: ProductId, product: Product) -> StoreResult<ProductScope> {
    Ok(ProductScope {
        id,
        incubators: sheets::running(conn, id, product.incubator)?,
        slug: product.slug,
    })
}

/// The scope of the product a path names (404 for a slug that cannot exist).
pub async fn scope_of(db: &web::Data<Database>, slug: &str) -> Result<ProductScope, ApiError> {
    let slug = self::slug(slug, "product")?;
    db::read(db, move |c| product(c, &slug)).await
}
