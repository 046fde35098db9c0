//! Changing a contract's doctrine commitments (accessibility, security, eco-design, open
//! source, data): the JSON routes and the commitments page share it. The incubator's
//! managers and admins may; the store checks each commitment and audits every change.

use actix_web::web;
use pilote_domain::{Commitment, CommitmentArea};
use pilote_store::{
    Actor, CommitmentId, Database, DbConnection, ProductId, StoreResult, repo::commitments,
};

use crate::{
    access::{self, ProductScope},
    auth::Principal,
    db,
    error::ApiError,
};

/// A change to the contract's commitments.
#[derive(Clone, Debug)]
pub enum CommitmentChange {
    Create(Commitment),
    Update(CommitmentId, Commitment),
    Delete(CommitmentId),
}

/// Applies one change inside the caller's transaction: the id of the commitment created or
/// updated.
fn apply(
    c: &mut DbConnection,
    product: ProductId,
    change: CommitmentChange,
    actor: Actor,
) -> StoreResult<Option<CommitmentId>> {
    Ok(match change {
        CommitmentChange::Create(new) => Some(commitments::create(c, product, &new, actor)?),
        CommitmentChange::Update(id, changed) => {
            commitments::update(c, product, id, &changed, actor)?;
            Some(id)
        }
        CommitmentChange::Delete(id) => {
            commitments::delete(c, product, id, actor)?;
            None
        }
    })
}

/// Applies one change to the contract's commitments: the id of the commitment created or
/// updated. The store checks the commitment (`expected`, `current`, `evidence_url`); no
/// contract yet, or an unknown commitment, is 404.
pub async fn change(
    db: &web::Data<Database>,
    principal: &Principal,
    scope: &ProductScope,
    change: CommitmentChange,
) -> Result<Option<CommitmentId>, ApiError> {
    access::person_allowed(principal, scope.manage())?;
    let product = scope.id;
    db::write_as(db, principal, move |c, actor| {
        apply(c, product, change, actor)
    })
    .await
}

/// Sets the commitment of each area named, all or none (one transaction): an area's first
/// commitment is created, replaced or (`None`) removed; one already as wanted is left alone,
/// so that the audit trail holds real changes only. Areas not named, and further
/// commitments of an area (the API may add several), stay as they are. How many changed.
pub async fn set_by_area(
    db: &web::Data<Database>,
    principal: &Principal,
    scope: &ProductScope,
    wanted: Vec<(CommitmentArea, Option<Commitment>)>,
) -> Result<usize, ApiError> {
    access::person_allowed(principal, scope.manage())?;
    let product = scope.id;
    db::write_as(db, principal, move |c, actor| {
        let stored = commitments::list(c, product)?;
        let mut changed = 0;
        for (area, want) in wanted {
            let first = stored.iter().find(|(_, s)| s.area == area);
            let change = match (first, want) {
                (None, None) => None,
                (None, Some(new)) => Some(CommitmentChange::Create(new)),
                (Some((id, _)), None) => Some(CommitmentChange::Delete(*id)),
                (Some((_, same)), Some(new)) if *same == new => None,
                (Some((id, _)), Some(new)) => Some(CommitmentChange::Update(*id, new)),
            };
            if let Some(change) = change {
                apply(c, product, change, actor)?;
                changed += 1;
            }
        }
        Ok(changed)
    })
    .await
}
