//! Indicators: what a product measures, and how.

use diesel::prelude::*;
use pilote_domain::{
    Aggregation, Direction, Indicator, MatrixRole, Periodicity, Principle, Slug,
    validate_indicator_set,
};

use crate::{
    clock,
    connection::DbConnection,
    error::{NotFoundExt, StoreResult, corrupt},
    ids::{IndicatorId, ProductId},
    schema::indicators,
};

/// An indicator's columns that creating and editing both write (all but its product, key
/// and creation time), written once for both.
#[derive(Insertable, AsChangeset)]
#[diesel(
    table_name = indicators,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
struct Editable<'a> {
    label: &'a str,
    unit: &'a str,
    direction: &'a str,
    principle: &'a str,
    periodicity: &'a str,
    aggregation: &'a str,
    matrix_role: Option<&'a str>,
    north_star: bool,
    description: Option<&'a str>,
}

impl<'a> Editable<'a> {
    fn of(indicator: &'a Indicator) -> Self {
        Editable {
            label: &indicator.label,
            unit: &indicator.unit,
            direction: indicator.direction.as_str(),
            principle: indicator.principle.as_str(),
            periodicity: indicator.periodicity.as_str(),
            aggregation: indicator.aggregation.as_str(),
            matrix_role: indicator.matrix_role.map(MatrixRole::as_str),
            north_star: indicator.north_star,
            description: indicator.description.as_deref(),
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = indicators)]
struct IndicatorRow {
    id: i64,
    key: String,
    label: String,
    unit: String,
    direction: String,
    principle: String,
    periodicity: String,
    aggregation: String,
    matrix_role: Option<String>,
    north_star: bool,
    description: Option<String>,
}

impl IndicatorRow {
    fn into_domain(self) -> StoreResult<(IndicatorId, Indicator)> {
        let id = self.id;
        let bad = |e| corrupt("indicators", id, e);
        Ok((
            IndicatorId(id),
            Indicator {
                key: Slug::parse(&self.key).map_err(bad)?,
                label: self.label,
                unit: self.unit,
                direction: Direction::parse(&self.direction).map_err(bad)?,
                principle: Principle::parse(&self.principle).map_err(bad)?,
                periodicity: Periodicity::parse(&self.periodicity).map_err(bad)?,
                aggregation: Aggregation::parse(&self.aggregation).map_err(bad)?,
                matrix_role: self
                    .matrix_role
                    .as_deref()
                    .map(MatrixRole::parse)
                    .transpose()
                    .map_err(bad)?,
                north_star: self.north_star,
                description: self.description,
            },
        ))
    }
}

/// Adds an indicator to a product, after checking it and the product's whole set (one north
/// star, one indicator per matrix role, unique keys).
pub fn insert(
    conn: &mut DbConnection,
    product: ProductId,
    indicator: &Indicator,
) -> StoreResult<IndicatorId> {
    indicator.validate()?;
    let mut set: Vec<Indicator> = list(conn, product)?.into_iter().map(|(_, i)| i).collect();
    set.push(indicator.clone());
    validate_indicator_set(&set)?;
    let id = diesel::insert_into(indicators::table)
        .values((
            indicators::product_id.eq(product.0),
            indicators::key.eq(indicator.key.as_ref()),
            Editable::of(indicator),
            indicators::created_at.eq(clock::now()),
        ))
        .returning(indicators::id)
        .get_result(conn)?;
    Ok(IndicatorId(id))
}

/// A product's indicators: north star first, then in the order they were added.
pub fn list(
    conn: &mut DbConnection,
    product: ProductId,
) -> StoreResult<Vec<(IndicatorId, Indicator)>> {
    indicators::table
        .filter(indicators::product_id.eq(product.0))
        .order((indicators::north_star.desc(), indicators::id))
        .select(IndicatorRow::as_select())
        .load(conn)?
        .into_iter()
        .map(IndicatorRow::into_domain)
        .collect()
}

/// One of a product's indicators, by key.
pub fn find(
    conn: &mut DbConnection,
    product: ProductId,
    key: &Slug,
) -> StoreResult<(IndicatorId, Indicator)> {
    indicators::table
        .filter(indicators::product_id.eq(product.0))
        .filter(indicators::key.eq(key.as_ref()))
        .select(IndicatorRow::as_select())
        .first(conn)
        .not_found("indicator")?
        .into_domain()
}

/// Saves an indicator's new description. Its key stays; its periodicity may only change while
/// it has no measure (stored periods would no longer match it).
pub fn update(
    conn: &mut DbConnection,
    product: ProductId,
    id: IndicatorId,
    indicator: &Indicator,
) -> StoreResult<()> {
    indicator.validate()?;
    let current = list(conn, product)?;
    let Some((_, before)) = current.iter().find(|(i, _)| *i == id) else {
        return Err(crate::error::StoreError::NotFound { what: "indicator" });
    };
    if before.key != indicator.key {
        return Err(pilote_domain::DomainError::rule(
            "key",
            "cannot be changed",
            "La clé d'un indicateur ne change pas.",
        )
        .into());
    }
    if before.periodicity != indicator.periodicity {
        let measured: i64 = crate::schema::measures::table
            .filter(crate::schema::measures::indicator_id.eq(id.0))
            .count()
            .get_result(conn)?;
        if measured > 0 {
            return Err(
                pilote_domain::DomainError::Conflict(pilote_domain::Conflict::rule(
                    "the periodicity of an indicator with measures cannot change",
                    "La périodicité d'un indicateur qui a des valeurs ne peut plus changer.",
                ))
                .into(),
            );
        }
    }
    let set: Vec<Indicator> = current
        .into_iter()
        .map(|(i, old)| if i == id { indicator.clone() } else { old })
        .collect();
    validate_indicator_set(&set)?;
    diesel::update(indicators::table.find(id.0))
        .set(Editable::of(indicator))
        .execute(conn)?;
    Ok(())
}

/// The indicators of several products at once, each product's in [`list`]'s order: one query
/// for a portfolio-wide computation instead of one per product.
pub fn of_products(
    conn: &mut DbConnection,
    products: &[ProductId],
) -> StoreResult<Vec<(ProductId, IndicatorId, Indicator)>> {
    let ids: Vec<i64> = products.iter().map(|p| p.0).collect();
    indicators::table
        .filter(indicators::product_id.eq_any(ids))
        .order((
            indicators::product_id,
            indicators::north_star.desc(),
            indicators::id,
        ))
        .select((indicators::product_id, IndicatorRow::as_select()))
        .load::<(i64, IndicatorRow)>(conn)?
        .into_iter()
        .map(|(product, row)| {
            let (id, indicator) = row.into_domain()?;
            Ok((ProductId(product), id, indicator))
        })
        .collect()
}
