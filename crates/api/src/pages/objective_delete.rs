//! `/produits/{slug}/contrat/objectifs/{id}/supprimer`: removing an objective from the
//! contract, in two steps (a confirmation page, then its button), for the incubator's
//! managers and admins, through the same service as `DELETE
//! /api/v1/products/{slug}/contract/objectives/{id}`. An objective a signed review froze stays:
//! the page says why (409).

use actix_web::{get, http::StatusCode, post, web};
use askama::Template;
use pilote_charts::french;
use pilote_domain::DomainError;
use pilote_store::{
    Database, ObjectiveId,
    repo::{indicators, objectives, products},
};
use serde::Deserialize;

use super::{
    Nav,
    forms::{CsrfForm, Need, PageResult, SignedIn},
    product_nav::{ProductNav, Tab, Visit},
    redirect,
};
use crate::{db, error::ApiError, service::contract};

#[derive(Template)]
#[template(path = "objective_delete.html")]
struct DeletePage {
    nav: Nav,
    product_nav: ProductNav,
    id: i64,
    /// The objective in words: indicator, baseline, target.
    label: String,
    baseline: String,
    target: String,
    /// Why it cannot go, in French (a signed review froze it).
    refused: Option<String>,
}

/// The confirmation page, with the refusal when there is one.
async fn page(
    db: &web::Data<Database>,
    visit: Visit,
    id: i64,
    refused: Option<String>,
) -> PageResult {
    let product = visit.scope.id;
    let (name, record, all) = db::read(db, move |c| {
        Ok((
            products::get(c, product)?.name,
            objectives::get(c, product, ObjectiveId(id))?,
            indicators::list(c, product)?,
        ))
    })
    .await?;
    let label = all
        .iter()
        .find(|(_, i)| i.key == record.indicator)
        .map_or_else(|| record.indicator.to_string(), |(_, i)| i.label.clone());
    let o = record.objective;
    let page = DeletePage {
        product_nav: visit.product_nav(&name, Tab::Contract, "Supprimer un objectif"),
        nav: visit.nav,
        id,
        label,
        baseline: format!(
            "{} le {}",
            french::decimal(o.baseline.value),
            french::date(o.baseline.on)
        ),
        target: format!(
            "{} au {}",
            french::decimal(o.target.value),
            french::date(o.target.on)
        ),
        refused,
    };
    let mut response = super::render(&page);
    if page.refused.is_some() && response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::CONFLICT;
    }
    Ok(response)
}

/// The confirmation step (404 for an objective of another product).
#[get("/produits/{slug}/contrat/objectifs/{id}/supprimer")]
pub async fn confirm(
    user: SignedIn,
    db: web::Data<Database>,
    path: web::Path<(String, i64)>,
) -> PageResult {
    let (slug, id) = path.into_inner();
    let scope = user.product(&db, &slug, Need::Manage).await?;
    page(&db, Visit::new(user, scope), id, None).await
}

/// No field but the CSRF token.
#[derive(Debug, Default, Deserialize)]
pub struct Confirm {}

/// Removes the objective, then the contract's page; the confirmation page again (409) with
/// the reason when a signed review froze it.
#[post("/produits/{slug}/contrat/objectifs/{id}/supprimer")]
pub async fn remove(
    CsrfForm { user, .. }: CsrfForm<Confirm>,
    db: web::Data<Database>,
    path: web::Path<(String, i64)>,
) -> PageResult {
    let (slug, id) = path.into_inner();
    let scope = user.product(&db, &slug, Need::Manage).await?;
    match contract::remove_objective(&db, &user.principal(), &scope, id).await {
        Ok(()) => Ok(redirect(&format!("/produits/{}/contrat", scope.slug))),
        Err(ApiError::Refused(refused @ DomainError::Conflict(_))) => {
            page(&db, Visit::new(user, scope), id, Some(refused.french())).await
        }
        Err(other) => Err(other.into()),
    }
}
