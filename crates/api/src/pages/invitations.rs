//! `/invitations/nouvelle`: inviting someone by e-mail to a role (administrators any role, an
//! incubator's managers the roles within it), through `service::invitations` like
//! `POST /api/v1/invitations`. Without SMTP the link is shown here, this once.

use actix_web::{get, post, web};
use askama::Template;
use chrono::Utc;
use pilote_domain::{
    Email, Grant, Role,
    access::{Action, allows},
};
use pilote_store::{
    Database,
    repo::{incubators, products},
};
use serde::Deserialize;

use super::{
    Nav,
    forms::{Choice, CsrfForm, FieldErrors, PageResult, SignedIn, form_page},
};
use crate::{
    auth::CurrentUser,
    db,
    mail::{Outbox, role_fr},
    service::invitations::{self, Invitation, Invited},
};

#[derive(Template)]
#[template(path = "invite.html")]
struct InvitePage {
    nav: Nav,
    roles: Vec<Choice>,
    incubators: Vec<Choice>,
    products: Vec<Choice>,
    form: InviteForm,
    errors: FieldErrors,
    /// The invitation just made.
    done: Option<Done>,
}

/// What the page says of the invitation just made.
struct Done {
    email: String,
    role: String,
    emailed: bool,
    /// The link to pass on, shown this once (not e-mailed).
    link: Option<String>,
}

/// The form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    email: String,
    name: String,
    role: String,
    incubator: String,
    product: String,
}

/// `(id, label)` of the fields a refusal may name; the first takes those that name none.
const FIELDS: [(&str, &str); 5] = [
    ("email", "Adresse électronique"),
    ("name", "Nom"),
    ("role", "Rôle"),
    ("incubator", "Incubateur"),
    ("product", "Produit"),
];

/// The page, with the roles, incubators and products `user` may give.
async fn page(
    db: &web::Data<Database>,
    (nav, user): (Nav, &CurrentUser),
    form: InviteForm,
    errors: FieldErrors,
    done: Option<Done>,
) -> PageResult {
    let grants = user.grants.clone();
    let today = Utc::now().date_naive();
    let (incubators, products) = db::read(db, move |c| {
        let incubators: Vec<(String, String)> = incubators::list(c)?
            .into_iter()
            .filter(|(_, i)| allows(&grants, Action::Manage { incubator: &i.slug }))
            .map(|(_, i)| (i.slug.to_string(), i.name))
            .collect();
        let products: Vec<(String, String)> = products::overviews(c, None, today)?
            .into_iter()
            .filter(|o| {
                let incubator = &o.product.incubator;
                allows(&grants, Action::Manage { incubator })
            })
            .map(|o| (o.product.slug.to_string(), o.product.name))
            .collect();
        Ok((incubators, products))
    })
    .await?;
    let admin = allows(&user.grants, Action::Administer);
    let roles = Role::ALL
        .into_iter()
        .filter(|r| admin || matches!(r, Role::Manager | Role::Member))
        .map(|r| (r.as_str(), r.label_fr()));
    let page = InvitePage {
        nav,
        roles: Choice::list(roles, &form.role),
        incubators: Choice::list(incubators, &form.incubator),
        products: Choice::list(products, &form.product),
        form,
        errors,
        done,
    };
    Ok(form_page(&page, &page.errors))
}

/// The empty form (administrators and managers; 403 otherwise).
#[get("/invitations/nouvelle")]
pub async fn show(user: SignedIn, db: web::Data<Database>) -> PageResult {
    invitations::may_invite(&user.user.user)?;
    let who = (user.nav.clone(), &user.user.user);
    page(
        &db,
        who,
        InviteForm::default(),
        FieldErrors::default(),
        None,
    )
    .await
}

/// Invites, then the page again with what was done (and the link when not e-mailed); the
/// form again (422) with the reasons otherwise.
#[post("/invitations/nouvelle")]
pub async fn create(
    CsrfForm { user, fields: form }: CsrfForm<InviteForm>,
    db: web::Data<Database>,
    outbox: web::Data<Outbox>,
) -> PageResult {
    let inviter = &user.user.user;
    invitations::may_invite(inviter)?;
    let mut errors = FieldErrors::default();
    let email = errors.check("email", "Adresse électronique", Email::parse(&form.email));
    if form.name.trim().is_empty() {
        errors.add("name", "Nom", "Saisissez le nom de la personne.");
    }
    let role = Role::parse(&form.role);
    let role = errors.choice("role", "Rôle", role, "Choisissez un rôle.");
    let grant = match role.map(|r| Grant::of(r, &form.incubator, &form.product)) {
        Some(Ok(grant)) => Some(grant),
        Some(Err(refused)) => {
            errors.refused(refused.into(), &FIELDS)?;
            None
        }
        None => None,
    };
    if let (Some(email), Some(grant), true) = (email, grant, errors.is_empty()) {
        let invitation = Invitation {
            email,
            name: form.name.clone(),
            grant,
        };
        match invitations::invite(&db, &outbox, inviter, invitation).await {
            Ok(invited) => {
                let done = Some(done(invited));
                let who = (user.nav.clone(), inviter);
                return page(&db, who, InviteForm::default(), errors, done).await;
            }
            Err(refused) => errors.refused(refused, &FIELDS)?,
        }
    }
    page(&db, (user.nav.clone(), inviter), form, errors, None).await
}

fn done(invited: Invited) -> Done {
    Done {
        email: invited.email.to_string(),
        role: role_fr(&invited.grant),
        emailed: invited.emailed,
        link: invited.link,
    }
}
