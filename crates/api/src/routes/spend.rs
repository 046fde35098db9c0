//! `/api/v1/products/{slug}/spend`: what a product spends each month, in whole euros.

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use pilote_domain::Spend;
use pilote_store::{
    Database,
    repo::spend::{self, SpendChange},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::{self, scope::scope_of};
use crate::{
    auth::Principal,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
    list::{List, PageQuery},
};

/// A month's spend. Any day of the month files into it (`month` comes back as the 1st).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpendBody {
    #[schema(example = "2026-03-01")]
    pub month: NaiveDate,
    /// Whole euros, not negative.
    #[schema(example = 120000)]
    pub amount: i64,
}

impl From<Spend> for SpendBody {
    fn from(s: Spend) -> Self {
        SpendBody {
            month: s.month,
            amount: s.amount,
        }
    }
}

product_list! {
    /// The product's spend, oldest month first.
    fn list = "spend_list", tag "contract", get "/products/{slug}/spend",
    200 "A page of monthly spend" SpendBody,
    load spend::list,
    each |s| Ok(SpendBody::from(s)),
}

/// Records a month's spend, replacing the amount it had (the product's team and its
/// incubator's managers). 201 when the month was new, 200 otherwise.
#[utoipa::path(
    operation_id = "spend_put",
    tag = "contract",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The product's slug")),
    responses(
        (status = 201, description = "A new month", body = SpendBody),
        (status = 200, description = "The month's amount replaced, or unchanged", body = SpendBody),
        (status = 403, description = "Neither in the team nor a manager; an API token", body = ErrorEnvelope),
        (status = 422, description = "A negative `amount`, a `month` in the future", body = ErrorEnvelope),
        JsonBody, Unauthorized, UnknownProduct, DatabaseDown,
    ),
)]
#[post("/products/{slug}/spend")]
pub async fn put(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    body: Json<SpendBody>,
) -> Result<HttpResponse, ApiError> {
    let scope = scope_of(&db, &path).await?;
    let entry = Spend {
        month: body.0.month,
        amount: body.0.amount,
    };
    let recorded = service::spend::record(&db, &principal, &scope, vec![entry]).await?;
    let (stored, change) = recorded
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::Internal("one month recorded, none answered".into()))?;
    let mut response = match change {
        SpendChange::Created => HttpResponse::Created(),
        SpendChange::Updated | SpendChange::Unchanged => HttpResponse::Ok(),
    };
    Ok(response.json(SpendBody::from(stored)))
}
