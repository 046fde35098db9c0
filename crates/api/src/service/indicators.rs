//! Defining and editing a product's indicators: the JSON routes and the indicator forms share
//! it. The product's team and its incubator's managers may; the domain and the store check
//! the rules (one north star, one indicator per matrix slot, a key once, a periodicity that
//! no longer changes once values exist).

use actix_web::web;
use pilote_domain::{Aggregation, Direction, Indicator, MatrixRole, Periodicity, Principle};
use pilote_store::{Database, repo::indicators};

use crate::{
    access::{self, ProductScope},
    auth::Principal,
    db,
    error::ApiError,
    service::scope,
};

/// Adds `indicator` to the product. Audited by the store.
pub async fn create(
    db: &web::Data<Database>,
    principal: &Principal,
    scope: &ProductScope,
    indicator: Indicator,
) -> Result<(), ApiError> {
    access::person_allowed(principal, scope.contribute())?;
    let product = scope.id;
    db::write(db, move |c| indicators::insert(c, product, &indicator)).await?;
    Ok(())
}

/// What an edit changes: `None` leaves a field alone, `Some(None)` clears an optional one.
/// The key never changes.
#[derive(Clone, Debug, Default)]
pub struct IndicatorChanges {
    pub label: Option<String>,
    pub unit: Option<String>,
    pub direction: Option<Direction>,
    pub principle: Option<Principle>,
    pub periodicity: Option<Periodicity>,
    pub aggregation: Option<Aggregation>,
    pub matrix_role: Option<Option<MatrixRole>>,
    pub north_star: Option<bool>,
    pub description: Option<Option<String>>,
}

impl IndicatorChanges {
    fn apply(self, indicator: &mut Indicator) {
        if let Some(label) = self.label {
            indicator.label = label.trim().to_owned();
        }
        if let Some(unit) = self.unit {
            indicator.unit = unit.trim().to_owned();
        }
        if let Some(direction) = self.direction {
            indicator.direction = direction;
        }
        if let Some(principle) = self.principle {
            indicator.principle = principle;
        }
        if let Some(periodicity) = self.periodicity {
            indicator.periodicity = periodicity;
        }
        if let Some(aggregation) = self.aggregation {
            indicator.aggregation = aggregation;
        }
        if let Some(role) = self.matrix_role {
            indicator.matrix_role = role;
        }
        if let Some(north_star) = self.north_star {
            indicator.north_star = north_star;
        }
        if let Some(description) = self.description {
            indicator.description = description;
        }
    }
}

/// Edits the indicator `key` of the product, read and written in one transaction: the
/// indicator as saved.
pub async fn update(
    db: &web::Data<Database>,
    principal: &Principal,
    scope: &ProductScope,
    key: &str,
    changes: IndicatorChanges,
) -> Result<Indicator, ApiError> {
    access::person_allowed(principal, scope.contribute())?;
    let key = scope::slug(key, "indicator")?;
    let product = scope.id;
    db::write(db, move |c| {
        let (id, mut indicator) = indicators::find(c, product, &key)?;
        changes.apply(&mut indicator);
        indicators::update(c, product, id, &indicator)?;
        Ok(indicator)
    })
    .await
}
