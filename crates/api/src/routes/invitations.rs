//! `POST /api/v1/invitations`: inviting someone by e-mail to a role (see
//! `service::invitations` for who may give which role, and `docs/authentication.md`).

use actix_web::{HttpResponse, post, web};
use chrono::NaiveDateTime;
use pilote_domain::{DomainError, Email, Grant, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    access,
    auth::Principal,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
    mail::Outbox,
    openapi::GrantSchema,
    service::invitations::{self, Invitation},
};
use pilote_store::Database;

/// The body of `POST /invitations`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    /// Where the invitation goes.
    #[schema(example = "camille.martin@example.gouv.fr")]
    pub email: String,
    /// The name of the account, if it is new (1 to 200 characters).
    pub name: String,
    /// `admin`, `manager`, `member` or `viewer`.
    pub role: String,
    /// A manager's incubator (slug).
    #[serde(default)]
    pub incubator: Option<String>,
    /// A member's product (slug).
    #[serde(default)]
    pub product: Option<String>,
}

/// What the invitation did.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationItem {
    pub email: String,
    /// The role given, with its scope.
    #[schema(value_type = GrantSchema)]
    pub grant: Grant,
    /// Whether the account was created by this invitation (`false`: the address had one).
    pub new_account: bool,
    /// Whether the message went out by e-mail.
    pub emailed: bool,
    /// The invitation link when it was not e-mailed (no SMTP configured, or the send failed):
    /// shown this once, for the inviting person to pass on. Only its hash is kept.
    pub link: Option<String>,
    /// Until when the link serves (7 days); null when no link was made: an address whose
    /// account is already activated gets the role and a notice, never a link.
    #[serde(serialize_with = "crate::json::utc::serialize_option")]
    pub expires_at: Option<NaiveDateTime>,
}

/// The body read: each field at fault named, all at once.
fn read(body: NewInvitation) -> Result<Invitation, ApiError> {
    let email = Email::parse(&body.email);
    let grant = Role::parse(&body.role).and_then(|role| {
        Grant::of(
            role,
            body.incubator.as_deref().unwrap_or_default(),
            body.product.as_deref().unwrap_or_default(),
        )
    });
    let problems: Vec<(String, pilote_domain::Problem)> =
        [email.as_ref().err(), grant.as_ref().err()]
            .into_iter()
            .flatten()
            .filter_map(|e| match e {
                DomainError::Invalid { field, problem } => Some((field.clone(), problem.clone())),
                DomainError::Conflict(_) => None,
            })
            .collect();
    match (email, grant) {
        (Ok(email), Ok(grant)) => Ok(Invitation {
            email,
            name: body.name,
            grant,
        }),
        _ => Err(ApiError::InvalidMany(problems)),
    }
}

/// Invites someone by e-mail to a role: administrators any role, an incubator's managers the
/// roles within it (its managers, its products' members). The account is created without a
/// password and activated by the link (valid 7 days, once): a password, or a ProConnect
/// sign-in. Without SMTP the link comes back in `link`, this once.
#[utoipa::path(
    operation_id = "invitations_create",
    tag = "auth",
    security(("bearer" = [])),
    request_body = NewInvitation,
    responses(
        (status = 201, description = "Invited: the account and its role, and the link unless it was e-mailed", body = InvitationItem),
        (status = 403, description = "An API token, or a role that may not give this one", body = ErrorEnvelope),
        (status = 404, description = "Unknown incubator or product", body = ErrorEnvelope),
        (status = 409, description = "The address has an activated account holding this role already", body = ErrorEnvelope),
        (status = 422, description = "`email`, `name`, `role`, `incubator` or `product` invalid, each in `details`", body = ErrorEnvelope),
        JsonBody, Unauthorized, DatabaseDown,
    ),
)]
#[post("/invitations")]
pub async fn create(
    principal: Principal,
    db: web::Data<Database>,
    outbox: web::Data<Outbox>,
    body: Json<NewInvitation>,
) -> Result<HttpResponse, ApiError> {
    let inviter = access::person(&principal)?;
    invitations::may_invite(inviter)?;
    let invitation = read(body.0)?;
    let invited = invitations::invite(&db, &outbox, inviter, invitation).await?;
    Ok(HttpResponse::Created().json(InvitationItem {
        email: invited.email.to_string(),
        grant: invited.grant,
        new_account: invited.new_account,
        emailed: invited.emailed,
        link: invited.link,
        expires_at: invited.expires_at,
    }))
}
