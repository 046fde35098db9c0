//! Recording a committee decision: the JSON route and the decision form share it.

use actix_web::web;
use chrono::Utc;
use pilote_domain::{NewDecision, PhaseHistory};
use pilote_store::{
    Database, StoreError,
    repo::phases::{self, DecisionRecord},
};

use crate::{
    access::{self, ProductScope},
    auth::Principal,
    db,
    error::ApiError,
};

/// Records `decision` on the product, as of today, if `principal` manages it (its
/// incubator's managers, admins; 403 otherwise): the decision as stored and the phases after
/// it. The phase rules' refusals come back typed ([`ApiError::Refused`]).
pub async fn record(
    db: &web::Data<Database>,
    principal: &Principal,
    scope: &ProductScope,
    decision: NewDecision,
) -> Result<(DecisionRecord, PhaseHistory), ApiError> {
    access::person_allowed(principal, scope.manage())?;
    let today = Utc::now().date_naive();
    let product = scope.id;
    db::write_as(db, principal, move |c, actor| {
        let (id, _) = phases::record_decision(c, product, &decision, actor, today)?;
        let record = phases::decisions(c, product)?
            .into_iter()
            .find(|d| d.id == id)
            .ok_or(StoreError::NotFound { what: "decision" })?;
        Ok((record, phases::history(c, product)?))
    })
    .await
}
