//! Using the one-time links sent by e-mail (invitations, password resets) and asking for a
//! reset link: the pages and the ProConnect callback share it.

use actix_web::web;
use pilote_store::{
    Actor, Database, DbConnection, StoreResult, clock,
    repo::{
        identities,
        one_time_tokens::{self, Purpose, Unusable},
        users::{self, User},
    },
};

use crate::{
    auth::{
        login::{self, PASSWORD_RESET},
        one_time::{self, RESET_VALIDITY},
        password,
    },
    db,
    error::ApiError,
    mail::{self, Outbox},
};

/// The account a link opens, if it still may be used (nothing changes: the page's `GET`).
pub async fn check(
    db: &web::Data<Database>,
    purpose: Purpose,
    secret: &str,
) -> Result<Result<User, Unusable>, ApiError> {
    if !one_time::well_formed(secret) {
        return Ok(Err(Unusable::Unknown));
    }
    let hash = one_time::hash(secret);
    db::read(db, move |c| {
        Ok(
            match one_time_tokens::find(c, purpose, &hash, clock::now())? {
                Ok(user) => Ok(users::get(c, user)?),
                Err(unusable) => Err(unusable),
            },
        )
    })
    .await
}

/// Uses the link to set the account's password (ending its other sessions): the account, or
/// why the link opens nothing. A password too short or too long is refused (422) before the
/// link is used.
pub async fn set_password(
    db: &web::Data<Database>,
    purpose: Purpose,
    secret: &str,
    new_password: &str,
) -> Result<Result<User, Unusable>, ApiError> {
    password::check_strength(new_password)?;
    if !one_time::well_formed(secret) {
        return Ok(Err(Unusable::Unknown));
    }
    let hash = one_time::hash(secret);
    let typed = new_password.to_owned();
    // Argon2 is slow: hashed before the transaction, not inside it.
    let phc = web::block(move || password::hash(&typed))
        .await?
        .map_err(|e| ApiError::Internal(e.to_string().into()))?;
    db::write(db, move |c| {
        Ok(
            match one_time_tokens::consume(c, purpose, &hash, clock::now())? {
                Ok(user) => {
                    users::set_password(c, user, &phc, Actor::User(user))?;
                    Ok(users::get(c, user)?)
                }
                Err(unusable) => Err(unusable),
            },
        )
    })
    .await
}

/// In the ProConnect callback's transaction: uses the invitation to link the provider's
/// identity to the invited account, which is then activated.
pub fn accept_with_identity(
    c: &mut DbConnection,
    secret: &str,
    issuer: &str,
    subject: &str,
) -> StoreResult<Result<User, Unusable>> {
    if !one_time::well_formed(secret) {
        return Ok(Err(Unusable::Unknown));
    }
    let hash = one_time::hash(secret);
    Ok(
        match one_time_tokens::consume(c, Purpose::Invitation, &hash, clock::now())? {
            Ok(user) => {
                identities::link(c, issuer, subject, user, Actor::User(user))?;
                Ok(users::get(c, user)?)
            }
            Err(unusable) => Err(unusable),
        },
    )
}

/// What a reset request did, as far as the person asking may know.
#[derive(Debug, PartialEq, Eq)]
pub enum Requested {
    /// Taken: a link goes out if the address has an account (the answer does not say).
    Taken,
    /// Too many requests for this address or from this client: retry after this long.
    Limited { retry_after_secs: u64 },
}

/// Asks for a password-reset link for the address typed, from the client `ip`. The answer is
/// the same whether the address has an account or not, and comes as fast: the message is sent
/// in the background, after the answer. Rate-limited per address and per client, every
/// request counting ([`PASSWORD_RESET`]).
pub async fn request_reset(
    db: &web::Data<Database>,
    outbox: &Outbox,
    typed: &str,
    ip: &str,
) -> Result<Requested, ApiError> {
    let Some(mailer) = outbox.mailer.clone() else {
        return Err(ApiError::NotFound("page"));
    };
    let key = login::email_key(typed);
    let ip = ip.to_owned();
    let now = clock::now();
    let outcome = db::write(db, move |c| {
        if let Err(wait) = login::admit(c, &PASSWORD_RESET, &key, &ip, now)? {
            return Ok(Err(wait));
        }
        let Some(user) = login::user_of(c, &key)?.filter(|u| !u.disabled) else {
            return Ok(Ok(None));
        };
        let (secret, hash) = one_time::new_secret();
        let until = now + RESET_VALIDITY;
        one_time_tokens::insert(
            c,
            Purpose::PasswordReset,
            &hash,
            user.id,
            until,
            Actor::System,
        )?;
        Ok(Ok(Some((user, secret))))
    })
    .await?;
    let found = match outcome {
        Err(retry_after_secs) => return Ok(Requested::Limited { retry_after_secs }),
        Ok(found) => found,
    };
    if let Some((user, secret)) = found {
        let letter =
            mail::password_reset(&user.name, &outbox.link(&format!("/mot-de-passe/{secret}")));
        // Not awaited: waiting for the SMTP server would make the answer slower for an
        // address that has an account than for one that has none.
        actix_web::rt::spawn(async move {
            let sent = web::block(move || mailer.send(&user.email, &letter)).await;
            match sent {
                Ok(Ok(())) => log::info!("password-reset link sent to user {}", user.id.0),
                Ok(Err(e)) => log::warn!("password-reset link to user {} not sent: {e}", user.id.0),
                Err(e) => log::warn!("password-reset link not sent: {e}"),
            }
        });
    }
    Ok(Requested::Taken)
}

/// The refusal of a link, for a page: in French.
pub fn unusable_fr(unusable: Unusable) -> &'static str {
    match unusable {
        Unusable::Unknown => {
            "Ce lien n'est pas valable\u{a0}: vérifiez qu'il a été copié en entier, ou demandez-en un \
             nouveau."
        }
        Unusable::Used => "Ce lien a déjà servi\u{a0}: il ne sert qu'une fois.",
        Unusable::Expired => "Ce lien a expiré\u{a0}: demandez-en un nouveau.",
    }
}
