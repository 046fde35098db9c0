//! People and their roles: a product's team, whose members its managers add and remove, and
//! what administrators do — give and take back roles, disable accounts, create incubators and
//! set their maximum phase durations. The pages call these; each checks its permission with
//! the domain's rule (`Action::Manage` for a team, `Action::Administer` for the rest) and
//! writes through the store, which audits every change.

use actix_web::web;
use pilote_domain::{Conflict, DomainError, Email, Grant, Incubator, Slug, access::Action};
use pilote_store::{
    Actor, Database, DbConnection, StoreError, StoreResult, UserId,
    repo::{
        incubators,
        users::{self, User},
    },
};

use crate::{
    access::{self, ProductScope},
    auth::Principal,
    db,
    error::ApiError,
};

/// The members of a product's team, by name (any person who may read the portfolio).
pub async fn members(
    db: &web::Data<Database>,
    principal: &Principal,
    scope: &ProductScope,
) -> Result<Vec<User>, ApiError> {
    access::person_allowed(principal, Action::Read)?;
    let product = scope.id;
    db::read(db, move |c| users::members(c, product)).await
}

/// The membership of the product's team, once the caller is allowed to manage it.
fn membership(principal: &Principal, scope: &ProductScope) -> Result<Grant, ApiError> {
    access::person_allowed(principal, scope.manage())?;
    Ok(Grant::Member {
        product: scope.slug.clone(),
    })
}

/// Adds the person with this email to the product's team (its managers, admins).
pub async fn add_member(
    db: &web::Data<Database>,
    principal: &Principal,
    scope: &ProductScope,
    email: Email,
) -> Result<(), ApiError> {
    let grant = membership(principal, scope)?;
    grant_by_email(db, principal, email, grant).await
}

/// Takes the person out of the product's team (its managers, admins).
pub async fn remove_member(
    db: &web::Data<Database>,
    principal: &Principal,
    scope: &ProductScope,
    user: UserId,
) -> Result<(), ApiError> {
    let grant = membership(principal, scope)?;
    db::write_as(db, principal, move |c, actor| {
        users::revoke(c, user, &grant, actor)
    })
    .await
}

/// Every user with their roles (admins).
pub async fn users(
    db: &web::Data<Database>,
    principal: &Principal,
) -> Result<Vec<(User, Vec<Grant>)>, ApiError> {
    access::person_allowed(principal, Action::Administer)?;
    db::read(db, users::list).await
}

/// Gives the person with this email a role (admins).
pub async fn grant(
    db: &web::Data<Database>,
    principal: &Principal,
    email: Email,
    grant: Grant,
) -> Result<(), ApiError> {
    access::person_allowed(principal, Action::Administer)?;
    grant_by_email(db, principal, email, grant).await
}

/// Gives `grant` to the account of `email`, the caller's permission checked already; an
/// unknown email, product or incubator and a role held already are said on their fields.
async fn grant_by_email(
    db: &web::Data<Database>,
    principal: &Principal,
    email: Email,
    grant: Grant,
) -> Result<(), ApiError> {
    db::write_as(db, principal, move |c, actor| {
        let user = users::find_by_email(c, &email).map_err(unknown_email)?;
        users::grant(c, user.id, &grant, actor)
            .map_err(held)
            .map_err(unknown_scope)
    })
    .await
}

/// Takes a role back (admins). An administrator keeps their own administrator role: taking
/// it would lock them out of this very page.
pub async fn revoke(
    db: &web::Data<Database>,
    principal: &Principal,
    user: UserId,
    grant: Grant,
) -> Result<(), ApiError> {
    let own = (grant == Grant::Admin).then_some(LocksOut {
        field: "role",
        english: "an administrator cannot take back their own administrator role",
        french: "Vous ne pouvez pas retirer votre propre rôle d'administrateur.",
    });
    administer(db, principal, own.map(|o| (user, o)), move |c, actor| {
        users::revoke(c, user, &grant, actor)
    })
    .await
}

/// Disables an account, or enables it again (admins); never one's own.
pub async fn set_disabled(
    db: &web::Data<Database>,
    principal: &Principal,
    user: UserId,
    disabled: bool,
) -> Result<(), ApiError> {
    let own = LocksOut {
        field: "account",
        english: "an administrator cannot disable their own account",
        french: "Vous ne pouvez pas désactiver votre propre compte.",
    };
    administer(db, principal, Some((user, own)), move |c, actor| {
        users::set_disabled(c, user, disabled, actor)
    })
    .await
}

/// A change an administrator may not make to their own account, since it would lock them
/// out: the field it is refused on, and why in English and French.
struct LocksOut {
    field: &'static str,
    english: &'static str,
    french: &'static str,
}

/// Runs `write` on behalf of `principal` once they are an administrator (403 otherwise) and,
/// where `own` names an account and what would lock them out, that account is not theirs.
async fn administer<T, F>(
    db: &web::Data<Database>,
    principal: &Principal,
    own: Option<(UserId, LocksOut)>,
    write: F,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, Actor) -> StoreResult<T> + Send + 'static,
{
    let me = access::person_allowed(principal, Action::Administer)?;
    if let Some((user, locks_out)) = own
        && user == me.id
    {
        let LocksOut {
            field,
            english,
            french,
        } = locks_out;
        return Err(DomainError::rule(field, english, french).into());
    }
    db::write_as(db, principal, write).await
}

/// Creates an incubator (admins), as `POST /api/v1/incubators` does.
pub async fn create_incubator(
    db: &web::Data<Database>,
    principal: &Principal,
    incubator: Incubator,
) -> Result<(), ApiError> {
    administer(db, principal, None, move |c, actor| {
        incubators::create(c, &incubator, actor).map(|_| ())
    })
    .await
}

/// Rewrites an incubator's name, administration and maximum phase durations (admins).
pub async fn update_incubator(
    db: &web::Data<Database>,
    principal: &Principal,
    incubator: Incubator,
) -> Result<(), ApiError> {
    administer(db, principal, None, move |c, actor| {
        incubators::update(c, &incubator, actor)
    })
    .await
}

/// The incubator a path names (admins).
pub async fn incubator(
    db: &web::Data<Database>,
    principal: &Principal,
    slug: Slug,
) -> Result<Incubator, ApiError> {
    access::person_allowed(principal, Action::Administer)?;
    db::read(db, move |c| Ok(incubators::find(c, &slug)?.1)).await
}

/// An email nobody signs in with, said on the field rather than as a missing page.
fn unknown_email(error: StoreError) -> StoreError {
    match error {
        StoreError::NotFound { what: "user" } => DomainError::rule(
            "email",
            "no account has this email",
            "Aucun compte n'a cette adresse : la personne doit d'abord avoir un compte.",
        )
        .into(),
        other => other,
    }
}

/// A role held already, said as such.
fn held(error: StoreError) -> StoreError {
    match error {
        StoreError::Conflict(_) => DomainError::Conflict(Conflict::rule(
            "the user already holds this role",
            "Cette personne a déjà ce rôle.",
        ))
        .into(),
        other => other,
    }
}

/// A role's product or incubator that does not exist, said on its field.
fn unknown_scope(error: StoreError) -> StoreError {
    match error {
        StoreError::NotFound { what: "product" } => DomainError::rule(
            "product",
            "no product has this identifier",
            "Aucun produit n'a cet identifiant.",
        )
        .into(),
        StoreError::NotFound { what: "incubator" } => DomainError::rule(
            "incubator",
            "no incubator has this identifier",
            "Aucun incubateur n'a cet identifiant.",
        )
        .into(),
        other => other,
    }
}
