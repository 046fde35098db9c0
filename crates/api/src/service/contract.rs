//! Writing a product's contract and its objectives: the JSON routes and the contract's forms
//! share it. Both are the incubator's managers' (and admins'); the store checks the rules
//! again and audits every write.

use actix_web::web;
use pilote_domain::{Contract, DomainError, Objective, Point, Tolerance};
use pilote_store::{
    Database, ObjectiveId,
    repo::{
        contracts,
        objectives::{self, ObjectiveRecord},
    },
};

use crate::{
    access::{self, ProductScope},
    auth::Principal,
    db,
    error::ApiError,
    service::scope,
};

/// Creates or replaces the product's contract as a whole (its objectives, commitments and
/// reviews stay): the contract as stored.
pub async fn put(
    db: &web::Data<Database>,
    principal: &Principal,
    scope: &ProductScope,
    contract: Contract,
) -> Result<Contract, ApiError> {
    access::person_allowed(principal, scope.manage())?;
    contract.validate()?;
    let product = scope.id;
    db::write_as(db, principal, move |c, actor| {
        contracts::put(c, product, &contract, actor)?;
        Ok(contracts::get(c, product)?.1)
    })
    .await
}

/// Adds an objective on the indicator `indicator` of the product (an unknown key is invalid
/// on `indicator`; no contract yet is 404).
pub async fn create_objective(
    db: &web::Data<Database>,
    principal: &Principal,
    scope: &ProductScope,
    indicator: &str,
    objective: Objective,
) -> Result<ObjectiveRecord, ApiError> {
    access::person_allowed(principal, scope.manage())?;
    let indicator = scope::slug(indicator, "indicator").map_err(|_| {
        DomainError::rule(
            "indicator",
            "is not an indicator of this product",
            "Ce n'est pas un indicateur de ce produit.",
        )
    })?;
    let product = scope.id;
    db::write_as(db, principal, move |c, actor| {
        objectives::create(c, product, &indicator, &objective, actor)
    })
    .await
}

/// Removes an objective from the contract, audited with what it was (404 for an objective of
/// another product; 409 when a signed review froze it).
pub async fn remove_objective(
    db: &web::Data<Database>,
    principal: &Principal,
    scope: &ProductScope,
    id: i64,
) -> Result<(), ApiError> {
    access::person_allowed(principal, scope.manage())?;
    let product = scope.id;
    db::write_as(db, principal, move |c, actor| {
        objectives::delete(c, product, ObjectiveId(id), actor)
    })
    .await
}

/// What an objective's edit changes: `None` leaves a part as it is.
#[derive(Clone, Copy, Debug, Default)]
pub struct ObjectiveChanges {
    pub baseline: Option<Point>,
    pub target: Option<Point>,
    pub tolerance: Option<f64>,
}

/// Changes an objective's baseline, target or tolerance, read and written in one transaction
/// (the domain checks the result: `baseline.value`, `target.by`, `tolerance`).
pub async fn update_objective(
    db: &web::Data<Database>,
    principal: &Principal,
    scope: &ProductScope,
    id: i64,
    changes: ObjectiveChanges,
) -> Result<ObjectiveRecord, ApiError> {
    access::person_allowed(principal, scope.manage())?;
    let product = scope.id;
    db::write_as(db, principal, move |c, actor| {
        let current = objectives::get(c, product, ObjectiveId(id))?.objective;
        let tolerance = changes.tolerance.unwrap_or(current.tolerance.get());
        let changed = Objective::new(
            changes.baseline.unwrap_or(current.baseline),
            changes.target.unwrap_or(current.target),
            Tolerance::new(tolerance)?,
        )?;
        objectives::update(c, product, ObjectiveId(id), &changed, actor)
    })
    .await
}
