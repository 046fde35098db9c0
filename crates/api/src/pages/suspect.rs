//! `POST /produits/{slug}/indicateurs/{key}/mesures/{period}/verifiee`: a person of the team
//! (or a manager of its incubator, or an admin) vouches for a value flagged as suspect, from
//! the product page. Same rule and same store function as the API's `clear-suspect` route,
//! so the clearing is audited the same way; viewers get the French 403 page.

use actix_web::{HttpResponse, post, web};
use chrono::NaiveDate;
use pilote_domain::Period;
use pilote_store::{
    Database,
    repo::{indicators, measures},
};
use serde::Deserialize;

use super::{error_page, forms, redirect};
use crate::{
    access,
    auth::{
        Principal,
        session::{MaybePageUser, SessionConfig},
    },
    db,
    error::ApiError,
    routes::scope,
};

/// The form: only its CSRF token.
#[derive(Debug, Default, Deserialize)]
pub struct ClearForm {
    #[serde(default)]
    csrf: String,
}

/// Clears the flag, then back to the product page.
#[post("/produits/{slug}/indicateurs/{key}/mesures/{period}/verifiee")]
pub async fn clear(
    visitor: MaybePageUser,
    db: web::Data<Database>,
    config: web::Data<SessionConfig>,
    path: web::Path<(String, String, String)>,
    form: web::Form<ClearForm>,
) -> HttpResponse {
    let (slug, key, period) = path.into_inner();
    let (user, product) = match forms::visitor_and_product(visitor, &db, &slug).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    if let Err(e) = forms::check_csrf(&config, &user, &form.csrf) {
        return error_page(e);
    }
    let principal = Principal::User(user.user.clone());
    if let Err(e) = access::person_allowed(&principal, product.contribute()) {
        return error_page(e);
    }
    let actor = access::actor(&principal);
    let written = async {
        let date: NaiveDate = period.parse().map_err(|_| ApiError::Invalid {
            field: "period".to_owned(),
            problem: "must be a date (YYYY-MM-DD)".to_owned(),
        })?;
        let key = scope::slug(&key, "indicator")?;
        let id = product.id;
        db::write(&db, move |c| {
            let (indicator, found) = indicators::find(c, id, &key)?;
            let period = Period::containing(found.periodicity, date);
            measures::clear_suspect(c, id, indicator, period, actor)
        })
        .await
    }
    .await;
    match written {
        Ok(_) => redirect(&format!("/produits/{}", product.slug)),
        Err(e) => error_page(e),
    }
}
