//! Recording a product's monthly spend: the JSON route and the spend page share it. The
//! product's team, its incubator's managers and admins may; the store checks each month
//! (an amount not negative, a month begun) and audits every change.

use actix_web::web;
use chrono::Utc;
use pilote_domain::Spend;
use pilote_store::{
    Database,
    repo::spend::{self, SpendChange},
};

use crate::{
    access::{self, ProductScope},
    auth::Principal,
    db,
    error::ApiError,
};

/// Records months of spend, each replacing the amount its month had, all or none (one
/// transaction): what each did, in order. Any day files into its month; a negative amount
/// or a month not begun yet is refused (`amount`, `month`).
pub async fn record(
    db: &web::Data<Database>,
    principal: &Principal,
    scope: &ProductScope,
    entries: Vec<Spend>,
) -> Result<Vec<(Spend, SpendChange)>, ApiError> {
    access::person_allowed(principal, scope.contribute())?;
    let product = scope.id;
    let today = Utc::now().date_naive();
    db::write_as(db, principal, move |c, actor| {
        entries
            .into_iter()
            .map(|entry| spend::upsert(c, product, entry, actor, today))
            .collect()
    })
    .await
}
