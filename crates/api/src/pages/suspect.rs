//! `POST /produits/{slug}/indicateurs/{key}/mesures/{period}/verifiee`: a person of the team
//! (or a manager of its incubator, or an admin) vouches for a value flagged as suspect, from
//! the product page. Same rule and same store function as the API's `clear-suspect` route,
//! so the clearing is audited the same way; viewers get the French 403 page.

use actix_web::{post, web};
use pilote_domain::Period;
use pilote_store::{
    Database,
    repo::{indicators, measures},
};
use serde::Deserialize;

use super::{
    forms::{CsrfForm, Need, PageResult},
    redirect,
};
use crate::{access, db, service::scope};

/// The form: its CSRF token and, optionally, the page to go back to.
#[derive(Debug, Default, Deserialize)]
pub struct ClearForm {
    /// A page of this product to come back to (the value's history, the product page);
    /// anything else goes to the product page.
    #[serde(default)]
    retour: String,
}

/// Clears the flag, then back to the page the form was on (the product page by default).
#[post("/produits/{slug}/indicateurs/{key}/mesures/{period}/verifiee")]
pub async fn clear(
    CsrfForm { user, fields }: CsrfForm<ClearForm>,
    db: web::Data<Database>,
    path: web::Path<(String, String, String)>,
) -> PageResult {
    let (slug, key, period) = path.into_inner();
    let product = user.product(&db, &slug, Need::Contribute).await?;
    let actor = access::actor(&user.principal());
    let date = scope::period_date(&period)?;
    let key = scope::slug(&key, "indicator")?;
    let id = product.id;
    db::write(&db, move |c| {
        let (indicator, found) = indicators::find(c, id, &key)?;
        let period = Period::containing(found.periodicity, date);
        measures::clear_suspect(c, id, indicator, period, actor)
    })
    .await?;
    let page = format!("/produits/{}", product.slug);
    let back = super::session::return_path(&fields.retour)
        .filter(|path| path.starts_with(&format!("{page}/")))
        .unwrap_or(&page);
    Ok(redirect(back))
}
