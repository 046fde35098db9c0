//! `/produits/{slug}/equipe`: a product's team. Anyone signed in reads it (as the product
//! page); its incubator's managers and admins add a member by email and take one out, through
//! `service::people`, which audits both (`role.grant`, `role.revoke`).

use actix_web::{get, post, web};
use askama::Template;
use pilote_domain::{Email, access::Action};
use pilote_store::{Database, UserId, repo::products};
use serde::Deserialize;

use super::{
    Nav,
    forms::{CsrfForm, FieldErrors, Need, PageResult, SignedIn, form_page},
    product_nav::{ProductNav, Tab},
    redirect,
};
use crate::{
    access::{self, ProductScope},
    db,
    error::ApiError,
    service::{people, scope::scope_of},
};

/// One member of the team.
struct Member {
    id: i64,
    name: String,
    email: String,
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    nav: Nav,
    product_nav: ProductNav,
    members: Vec<Member>,
    /// May add and remove members.
    can_manage: bool,
    form: AddMember,
    errors: FieldErrors,
}

/// The add form's field, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AddMember {
    email: String,
}

/// The remove button's field: the member's user id.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RemoveMember {
    utilisateur: String,
}

async fn page(
    db: &web::Data<Database>,
    user: SignedIn,
    scope: ProductScope,
    form: AddMember,
    errors: FieldErrors,
) -> PageResult {
    let principal = user.principal();
    let members = people::members(db, &principal, &scope).await?;
    let id = scope.id;
    let name = db::read(db, move |c| Ok(products::get(c, id)?.name)).await?;
    let me = &user.user.user;
    let page = TeamPage {
        product_nav: ProductNav::new(me, &scope, &name, Tab::Team, Some("Équipe")),
        can_manage: access::require(me, scope.manage()).is_ok(),
        nav: user.nav,
        members: members
            .into_iter()
            .map(|m| Member {
                id: m.id.0,
                name: m.name,
                email: m.email.to_string(),
            })
            .collect(),
        form,
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

/// The team; the forms for its managers.
#[get("/produits/{slug}/equipe")]
pub async fn show(user: SignedIn, db: web::Data<Database>, slug: web::Path<String>) -> PageResult {
    access::require(&user.user.user, Action::Read)?;
    let scope = scope_of(&db, &slug).await?;
    page(
        &db,
        user,
        scope,
        AddMember::default(),
        FieldErrors::default(),
    )
    .await
}

/// Adds the person with this email to the team, then back to the team.
#[post("/produits/{slug}/equipe")]
pub async fn add(
    CsrfForm { user, fields: form }: CsrfForm<AddMember>,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Manage).await?;
    let mut errors = FieldErrors::default();
    let label = "Adresse électronique";
    if let Some(email) = errors.check("email", label, Email::parse(&form.email)) {
        match people::add_member(&db, &user.principal(), &scope, email).await {
            Ok(()) => return Ok(redirect(&format!("/produits/{}/equipe", scope.slug))),
            Err(refused) => errors.refused(refused, &[("email", label)])?,
        }
    }
    page(&db, user, scope, form, errors).await
}

/// Takes the member out of the team, then back to the team.
#[post("/produits/{slug}/equipe/retirer")]
pub async fn remove(
    CsrfForm { user, fields }: CsrfForm<RemoveMember>,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Manage).await?;
    let id = user_id(&fields.utilisateur)?;
    people::remove_member(&db, &user.principal(), &scope, id).await?;
    Ok(redirect(&format!("/produits/{}/equipe", scope.slug)))
}

/// A user id posted by a button of the pages (400 if it is not one).
pub(super) fn user_id(text: &str) -> Result<UserId, ApiError> {
    text.trim()
        .parse()
        .map(UserId)
        .map_err(|_| ApiError::BadRequest("utilisateur: not a user id".to_owned()))
}
