//! `/connexion/proconnect` (redirect to ProConnect) and its callback; see
//! `auth::proconnect` for the protocol and `docs/authentication.md` for the set-up.

use actix_web::{
    HttpRequest, HttpResponse, get,
    http::{StatusCode, header},
    web,
};
use askama::Template;
use pilote_domain::Email;
use pilote_store::{
    Actor, Database, StoreError,
    repo::{identities, one_time_tokens::Unusable, users},
};
use serde::Deserialize;

use super::{Nav, error_page, redirect, session::issue_session};
use crate::{
    auth::{
        JwtConfig, SignInOptions, one_time,
        proconnect::{self, FLOW_COOKIE, FLOW_SECONDS, Failure, Flow, ID_TOKEN_COOKIE},
        session::{self, MaybePageUser, SessionConfig},
    },
    db,
    error::ApiError,
    service::account_links,
};

/// The path the flow cookie is sent to: the start and the callback.
const FLOW_PATH: &str = "/connexion/proconnect";

/// A page telling why nobody was signed in.
#[derive(Template)]
#[template(path = "auth_message.html")]
struct MessagePage {
    nav: Nav,
    title: &'static str,
    message: String,
}

/// The page that follows a successful sign-in.
#[derive(Template)]
#[template(path = "signed_in.html")]
struct SignedInPage {
    name: String,
}

/// A French page saying why (a sign-in refused, a link that serves no more), with `status`.
pub(super) fn message(status: StatusCode, title: &'static str, message: String) -> HttpResponse {
    let mut response = super::render(&MessagePage {
        nav: Nav::default(),
        title,
        message,
    });
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

fn failure(config: &SessionConfig, failure: &Failure) -> HttpResponse {
    log::warn!("ProConnect sign-in failed: {}", failure.detail());
    let status = match failure {
        Failure::Provider(_) => StatusCode::BAD_GATEWAY,
        Failure::State(_) | Failure::Refused(_) => StatusCode::BAD_REQUEST,
        Failure::Exchange(_) | Failure::Token(_) => StatusCode::UNAUTHORIZED,
    };
    let mut response = message(
        status,
        "Connexion avec ProConnect impossible",
        failure.message().to_owned(),
    );
    if let Ok(value) = config.cleared_flow(FLOW_COOKIE, FLOW_PATH).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// `?invitation=` of the start: the secret of the invitation this sign-in activates.
#[derive(Deserialize)]
pub struct Start {
    invitation: Option<String>,
}

/// Redirects to ProConnect's authorization endpoint, the flow kept in a signed cookie.
#[get("/connexion/proconnect")]
pub async fn start(
    visitor: MaybePageUser,
    options: web::Data<SignInOptions>,
    config: web::Data<SessionConfig>,
    query: web::Query<Start>,
) -> HttpResponse {
    let Some(client) = options.proconnect.clone() else {
        return error_page(ApiError::NotFound("page"));
    };
    if visitor.0.is_some() {
        return redirect("/");
    }
    // A malformed invitation is dropped here; a well-formed one is checked at the callback,
    // in the transaction that uses it.
    let invitation = query
        .into_inner()
        .invitation
        .filter(|secret| one_time::well_formed(secret));
    let started = match web::block(move || client.start(now(), invitation)).await {
        Ok(Ok(started)) => started,
        Ok(Err(e)) => return failure(&config, &e),
        Err(e) => return error_page(e.into()),
    };
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, started.authorize_url))
        .append_header((
            header::SET_COOKIE,
            config.flow_cookie(FLOW_COOKIE, &started.flow.encode(), FLOW_PATH, FLOW_SECONDS),
        ))
        .finish()
}

/// What the provider sends back.
#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The flow this callback belongs to: the cookie's, if it is ours, recent, and its state is
/// the one sent back.
fn flow_of(
    req: &HttpRequest,
    config: &SessionConfig,
    state: Option<&str>,
) -> Result<Flow, Failure> {
    let value = session::cookie(req, FLOW_COOKIE)
        .ok_or_else(|| Failure::State("no flow cookie".to_owned()))?;
    let flow = config
        .flow_payload(&value)
        .and_then(|payload| Flow::decode(&payload))
        .ok_or_else(|| Failure::State("flow cookie not signed by this server".to_owned()))?;
    let age = now() - flow.started;
    if !(0..=FLOW_SECONDS).contains(&age) {
        return Err(Failure::State(format!("flow started {age} s ago")));
    }
    if state != Some(flow.state.as_str()) {
        return Err(Failure::State("state differs from the flow's".to_owned()));
    }
    Ok(flow)
}

/// Why an identity opens no session.
enum Refusal {
    /// Nobody in Pilote has this identity or its e-mail.
    NoAccount(String),
    /// The account is disabled.
    Disabled,
    /// The invitation the sign-in started from is used, expired or unknown.
    Invitation(Unusable),
}

/// The account of this identity: linked already, linked now to the invited account if the
/// sign-in started from an invitation, or found by its verified e-mail and linked now (roles
/// stay Pilote's to grant: nobody is created here).
fn account_of(
    conn: &mut pilote_store::DbConnection,
    identity: &proconnect::Identity,
    invitation: Option<&str>,
) -> Result<Result<users::User, Refusal>, StoreError> {
    let linked = identities::find(conn, &identity.issuer, &identity.subject)?;
    let user = match (linked, invitation) {
        (Some(id), _) => users::get(conn, id)?,
        (None, Some(secret)) => {
            let (issuer, subject) = (&identity.issuer, &identity.subject);
            match account_links::accept_with_identity(conn, secret, issuer, subject)? {
                Ok(user) => {
                    log::info!("user {} activated with a ProConnect identity", user.id);
                    user
                }
                Err(unusable) => return Ok(Err(Refusal::Invitation(unusable))),
            }
        }
        (None, None) => {
            let typed = identity.email.clone().unwrap_or_default();
            let email = match Email::parse(&typed) {
                Ok(email) if identity.email_verified != Some(false) => email,
                _ => return Ok(Err(Refusal::NoAccount(typed))),
            };
            let user = match users::find_by_email(conn, &email) {
                Ok(user) => user,
                Err(StoreError::NotFound { .. }) => return Ok(Err(Refusal::NoAccount(typed))),
                Err(e) => return Err(e),
            };
            if user.disabled {
                return Ok(Err(Refusal::Disabled));
            }
            identities::link(
                conn,
                &identity.issuer,
                &identity.subject,
                user.id,
                Actor::User(user.id),
            )?;
            log::info!("user {} linked to a ProConnect identity", user.id);
            user
        }
    };
    Ok(if user.disabled {
        Err(Refusal::Disabled)
    } else {
        Ok(user)
    })
}

/// Checks the callback, signs the person in, and keeps the ID token for the logout.
#[get("/connexion/proconnect/retour")]
pub async fn callback(
    req: HttpRequest,
    query: web::Query<Callback>,
    options: web::Data<SignInOptions>,
    db: web::Data<Database>,
    jwt: web::Data<JwtConfig>,
    config: web::Data<SessionConfig>,
) -> HttpResponse {
    let Some(client) = options.proconnect.clone() else {
        return error_page(ApiError::NotFound("page"));
    };
    let Callback { code, state, error } = query.into_inner();
    let flow = match flow_of(&req, &config, state.as_deref()) {
        Ok(flow) => flow,
        Err(e) => return failure(&config, &e),
    };
    if let Some(error) = error {
        return failure(&config, &Failure::Refused(error));
    }
    let Some(code) = code else {
        return failure(&config, &Failure::State("no code".to_owned()));
    };
    let invitation = flow.invitation.clone();
    let identity = match web::block(move || client.finish(&flow, &code)).await {
        Ok(Ok(identity)) => identity,
        Ok(Err(e)) => return failure(&config, &e),
        Err(e) => return error_page(e.into()),
    };
    let found = identity.clone();
    let outcome = db::write(&db, move |conn| {
        account_of(conn, &found, invitation.as_deref())
    })
    .await;
    let user = match outcome {
        Ok(Ok(user)) => user,
        Ok(Err(Refusal::NoAccount(email))) => {
            log::info!("ProConnect sign-in refused: no account for its identity");
            let mut response = message(
                StatusCode::FORBIDDEN,
                "Aucun compte Pilote pour cette identité",
                format!(
                    "ProConnect vous a bien identifié ({email}), mais aucun compte Pilote ne \
                     correspond à cette adresse. Les comptes sont ouverts par l'administrateur \
                     de Pilote ou le responsable de votre incubateur : demandez-leur une \
                     invitation."
                ),
            );
            if let Ok(value) = config.cleared_flow(FLOW_COOKIE, FLOW_PATH).parse() {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            return response;
        }
        Ok(Err(Refusal::Invitation(unusable))) => {
            let mut response = message(
                StatusCode::GONE,
                "Invitation inutilisable",
                account_links::unusable_fr(unusable).to_owned(),
            );
            if let Ok(value) = config.cleared_flow(FLOW_COOKIE, FLOW_PATH).parse() {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            return response;
        }
        Ok(Err(Refusal::Disabled)) => {
            return message(
                StatusCode::FORBIDDEN,
                "Compte désactivé",
                "Votre compte Pilote est désactivé : adressez-vous à l'administrateur de Pilote."
                    .to_owned(),
            );
        }
        Err(e) => return error_page(e),
    };
    let issued = match issue_session(&db, &jwt, user.id, &user.email).await {
        Ok(issued) => issued,
        Err(e) => return error_page(e),
    };
    log::info!("user {} signed in to the pages with ProConnect", user.id);
    let mut response = super::render(&SignedInPage { name: user.name });
    for cookie in [
        config.session_cookie(&issued.token, issued.expires_in),
        // As long as the session may last once renewed, so that logout can still end
        // ProConnect's session after hours of work.
        config.session_scoped_cookie(ID_TOKEN_COOKIE, &identity.id_token, jwt.session_max_secs()),
        config.cleared_flow(FLOW_COOKIE, FLOW_PATH),
    ] {
        if let Ok(value) = cookie.parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}
