//! Shared lookups for product routes.

use pilote_domain::Slug;
use pilote_store::{DbConnection, StoreResult, repo::products};

use crate::{access::ProductScope, error::ApiError};

/// A slug from the path: one that cannot be valid cannot exist either (404).
pub fn slug(text: &str, what: &'static str) -> Result<Slug, ApiError> {
    Slug::parse(text).map_err(|_| ApiError::NotFound(what))
}

/// The product a path names, for permission checks.
pub fn product(conn: &mut DbConnection, slug: &Slug) -> StoreResult<ProductScope> {
    let (id, product) = products::find(conn, slug)?;
    Ok(ProductScope {
        id,
        slug: product.slug,
        incubator: product.incubator,
    })
}

/// `Some(x)` for a present key, even when its value is `null`: PATCH tells "set to null"
/// (`Some(None)`) from "leave alone" (`None`).
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}
