//! Inviting someone by e-mail to a role: the JSON route and the invitation page share it.
//!
//! Who may give which role follows the domain's rules: administrators any role; an
//! incubator's managers the roles within their incubator (its managers, the members of its
//! products). The invited account is created at once, without a password, and holds its role;
//! it is activated by the link (a password chosen, or a ProConnect identity linked), valid
//! [`INVITATION_VALIDITY`] and once. An address that already has an activated account gets
//! the role and a notice, never a link (a link would let the inviter, who may be shown it,
//! take the account over).

use actix_web::web;
use chrono::NaiveDateTime;
use pilote_domain::{Conflict, DomainError, Email, Grant, access::Action};
use pilote_store::{
    Actor, Database, StoreError, UserId, clock,
    repo::{
        one_time_tokens::{self, Purpose},
        users,
    },
};

use crate::{
    access,
    auth::{
        CurrentUser,
        one_time::{self, INVITATION_VALIDITY},
    },
    db,
    error::ApiError,
    mail::{self, Outbox},
    service::scope::scope_of,
};

/// Who to invite, to what.
#[derive(Clone, Debug)]
pub struct Invitation {
    pub email: Email,
    /// The name of a new account (an existing account keeps its own).
    pub name: String,
    pub grant: Grant,
}

/// What an invitation did.
#[derive(Clone, Debug)]
pub struct Invited {
    pub email: Email,
    pub grant: Grant,
    /// Whether the account was created by this invitation.
    pub new_account: bool,
    /// Until when the link serves; `None` when no link was made (an activated account).
    pub expires_at: Option<NaiveDateTime>,
    /// Whether the message (the link, or the notice of a new role) was sent by e-mail.
    pub emailed: bool,
    /// The link, when it could not be e-mailed: shown this once to the inviting person.
    pub link: Option<String>,
}

/// 403 unless `inviter` may invite anyone at all: an administrator or a manager.
pub fn may_invite(inviter: &CurrentUser) -> Result<(), ApiError> {
    let may = inviter
        .grants
        .iter()
        .any(|g| matches!(g, Grant::Admin | Grant::Manager { .. }));
    if may {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only administrators and incubator managers may invite".to_owned(),
        ))
    }
}

/// 403 unless `inviter` may give `grant`: an administrator any role, a manager the roles
/// within their own incubator (404 for a product that does not exist).
pub async fn may_grant(
    db: &web::Data<Database>,
    inviter: &CurrentUser,
    grant: &Grant,
) -> Result<(), ApiError> {
    match grant {
        Grant::Admin | Grant::Viewer => access::require(inviter, Action::Administer),
        Grant::Manager { incubator } => access::require(inviter, Action::Manage { incubator }),
        Grant::Member { product } => {
            let scope = scope_of(db, product.as_ref()).await?;
            access::require(inviter, scope.manage())
        }
    }
}

/// What the store did: the account and, if one was made, the link's secret.
struct Stored {
    name: String,
    new_account: bool,
    secret: Option<(String, NaiveDateTime)>,
}

/// Invites `invitation.email` to `invitation.grant` as `inviter` (403 unless allowed), then
/// sends the link, or returns it when it could not be sent.
pub async fn invite(
    db: &web::Data<Database>,
    outbox: &Outbox,
    inviter: &CurrentUser,
    invitation: Invitation,
) -> Result<Invited, ApiError> {
    may_invite(inviter)?;
    may_grant(db, inviter, &invitation.grant).await?;
    let actor = Actor::User(inviter.id);
    let Invitation { email, name, grant } = invitation;
    let (for_store, grant_for_store) = (email.clone(), grant.clone());
    let stored = db::write(db, move |c| {
        store(c, &for_store, &name, &grant_for_store, actor)
    })
    .await?;
    let mut invited = Invited {
        email: email.clone(),
        grant: grant.clone(),
        new_account: stored.new_account,
        expires_at: stored.secret.as_ref().map(|(_, until)| *until),
        emailed: false,
        link: None,
    };
    let letter = match &stored.secret {
        Some((secret, _)) => {
            let link = outbox.link(&format!("/invitation/{secret}"));
            invited.link = Some(link.clone());
            mail::invitation(
                &stored.name,
                &inviter.name,
                &grant,
                &link,
                outbox.proconnect,
            )
        }
        None => mail::new_role(
            &stored.name,
            &inviter.name,
            &grant,
            &outbox.link("/connexion"),
        ),
    };
    if let Some(mailer) = outbox.mailer.clone() {
        let to = email.clone();
        match web::block(move || mailer.send(&to, &letter)).await? {
            Ok(()) => {
                invited.emailed = true;
                invited.link = None;
            }
            // The invitation stands: its link goes to the inviting person instead, who
            // passes it on.
            Err(e) => log::warn!("invitation e-mail to user not sent: {e}"),
        }
    }
    Ok(invited)
}

/// The store's part, in one transaction: the account (created without a password if new),
/// the role, and a link unless the account is activated already.
fn store(
    c: &mut pilote_store::DbConnection,
    email: &Email,
    name: &str,
    grant: &Grant,
    actor: Actor,
) -> Result<Stored, StoreError> {
    let (user, name, new_account): (UserId, String, bool) = match users::find_by_email(c, email) {
        Ok(user) => (user.id, user.name, false),
        Err(StoreError::NotFound { .. }) => (
            users::insert(c, email, name, None, actor)?,
            name.trim().to_owned(),
            true,
        ),
        Err(e) => return Err(e),
    };
    let activated = users::is_activated(c, user)?;
    let held = users::grants(c, user)?.contains(grant);
    if held && activated {
        return Err(DomainError::Conflict(Conflict::rule(
            "this person has an account and holds this role already",
            "Cette personne a déjà un compte et ce rôle.",
        ))
        .into());
    }
    if !held {
        users::grant(c, user, grant, actor)?;
    }
    let secret = if activated {
        None
    } else {
        let (secret, hash) = one_time::new_secret();
        let until = clock::now() + INVITATION_VALIDITY;
        one_time_tokens::insert(c, Purpose::Invitation, &hash, user, until, actor)?;
        Some((secret, until))
    };
    Ok(Stored {
        name,
        new_account,
        secret,
    })
}
