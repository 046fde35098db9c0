//! What the open data export holds: every value of every indicator of the published products,
//! with the indicator's public description, in one query. Nothing else: no spend, no review,
//! no comment, no author (a comment may name a person, an author is one).

use chrono::NaiveDate;
use diesel::prelude::*;
use pilote_domain::ProductSheet;

use crate::{
    connection::DbConnection,
    error::StoreResult,
    ids::ProductId,
    repo::sheets,
    schema::{incubators, indicators, measures, products},
};

/// One published value.
#[derive(Clone, Debug, PartialEq, Queryable)]
pub struct OpenMeasure {
    pub product: String,
    pub product_name: String,
    pub incubator: String,
    pub indicator: String,
    pub indicator_label: String,
    pub unit: String,
    pub principle: String,
    pub matrix_role: Option<String>,
    pub periodicity: String,
    pub period: NaiveDate,
    pub value: f64,
}

/// Every value of the published products, by product (French alphabetical order of their
/// names, then slug), indicator and period: the same bytes from either backend, whose
/// collations differ.
pub fn published_measures(conn: &mut DbConnection) -> StoreResult<Vec<OpenMeasure>> {
    let mut rows: Vec<OpenMeasure> = measures::table
        .inner_join(indicators::table.inner_join(products::table.inner_join(incubators::table)))
        .filter(products::published.eq(true))
        .order((products::slug, indicators::key, measures::period))
        .select((
            products::slug,
            products::name,
            incubators::slug,
            indicators::key,
            indicators::label,
            indicators::unit,
            indicators::principle,
            indicators::matrix_role,
            indicators::periodicity,
            measures::period,
            measures::value,
        ))
        .load(conn)?;
    rows.sort_by(|a, b| {
        pilote_domain::french_cmp(&a.product_name, &b.product_name)
            .then_with(|| a.product.cmp(&b.product))
            .then_with(|| a.indicator.cmp(&b.indicator))
            .then(a.period.cmp(&b.period))
    });
    Ok(rows)
}

/// A published product and its sheet (the caller keeps only the sheet's public part).
#[derive(Clone, Debug, PartialEq)]
pub struct OpenProduct {
    pub product: String,
    pub product_name: String,
    pub incubator: String,
    pub sheet: ProductSheet,
}

/// Every published product with its sheet, in French alphabetical order of their names, then
/// slug (the same bytes from either backend).
pub fn published_products(conn: &mut DbConnection) -> StoreResult<Vec<OpenProduct>> {
    let rows: Vec<(i64, String, String, String)> = products::table
        .inner_join(incubators::table)
        .filter(products::published.eq(true))
        .select((
            products::id,
            products::slug,
            products::name,
            incubators::slug,
        ))
        .load(conn)?;
    let mut all = sheets::all(conn)?;
    let mut out: Vec<OpenProduct> = rows
        .into_iter()
        .map(|(id, product, product_name, incubator)| OpenProduct {
            sheet: all.remove(&ProductId(id)).unwrap_or_default(),
            product,
            product_name,
            incubator,
        })
        .collect();
    out.sort_by(|a, b| {
        pilote_domain::french_cmp(&a.product_name, &b.product_name)
            .then_with(|| a.product.cmp(&b.product))
    });
    Ok(out)
}
