//! The administrators' pages: `/admin/utilisateurs` (every account, its roles given and taken
//! back, accounts disabled and enabled again) and `/admin/incubateurs` (incubators created,
//! their maximum phase durations set). Administrators only (`Action::Administer`, as
//! `POST /api/v1/incubators`); anyone else gets the 403 page. Every write goes through
//! `service::people`, and the store audits it.

use actix_web::{get, post, web};
use askama::Template;
use pilote_domain::{Email, Grant, Incubator, PhaseDurations, Role, Slug, access::Action};
use pilote_store::{Database, repo::incubators};
use serde::Deserialize;

use super::{
    Nav,
    forms::{Choice, CsrfForm, FieldErrors, PageResult, SignedIn, form_page},
    redirect,
    team::user_id,
};
use crate::{access, db, error::ApiError, service::people};

/// One role of an account, with what the « Retirer » button posts.
struct RoleLine {
    label: String,
    role: &'static str,
    incubator: String,
    product: String,
}

/// One account.
struct Account {
    id: i64,
    name: String,
    email: String,
    disabled: bool,
    myself: bool,
    roles: Vec<RoleLine>,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    nav: Nav,
    accounts: Vec<Account>,
    roles: Vec<Choice>,
    incubators: Vec<Choice>,
    form: GrantForm,
    errors: FieldErrors,
}

/// The « Donner un rôle » form, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GrantForm {
    email: String,
    role: String,
    incubator: String,
    product: String,
}

/// What the « Retirer » button of a role posts.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RevokeForm {
    utilisateur: String,
    role: String,
    incubator: String,
    product: String,
}

/// What the « Désactiver » / « Réactiver » button posts.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StateForm {
    utilisateur: String,
    /// `oui` to disable, anything else to enable.
    desactiver: String,
}

const GRANT_FIELDS: [(&str, &str); 4] = [
    ("email", "Adresse électronique"),
    ("role", "Rôle"),
    ("incubator", "Incubateur"),
    ("product", "Produit"),
];

/// The role's scope, as a button posts it back.
fn role_line(grant: &Grant) -> RoleLine {
    let label = match grant {
        Grant::Manager { incubator } => format!("{} de « {incubator} »", grant.role().label_fr()),
        Grant::Member { product } => format!("{} de « {product} »", grant.role().label_fr()),
        Grant::Admin | Grant::Viewer => grant.role().label_fr().to_owned(),
    };
    let (incubator, product) = match grant {
        Grant::Manager { incubator } => (incubator.to_string(), String::new()),
        Grant::Member { product } => (String::new(), product.to_string()),
        Grant::Admin | Grant::Viewer => (String::new(), String::new()),
    };
    RoleLine {
        label,
        role: grant.role().as_str(),
        incubator,
        product,
    }
}

async fn users_page(
    db: &web::Data<Database>,
    user: SignedIn,
    form: GrantForm,
    errors: FieldErrors,
) -> PageResult {
    let principal = user.principal();
    let all = people::users(db, &principal).await?;
    let incubators = db::read(db, incubators::list).await?;
    let me = user.user.user.id;
    let page = UsersPage {
        nav: user.nav,
        accounts: all
            .into_iter()
            .map(|(u, grants)| Account {
                id: u.id.0,
                myself: u.id == me,
                name: u.name,
                email: u.email.to_string(),
                disabled: u.disabled,
                roles: grants.iter().map(role_line).collect(),
            })
            .collect(),
        roles: Choice::list(Role::ALL.map(|r| (r.as_str(), r.label_fr())), &form.role),
        incubators: Choice::list(
            incubators
                .into_iter()
                .map(|(_, i)| (i.slug.to_string(), i.name)),
            &form.incubator,
        ),
        form,
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

/// Every account and its roles.
#[get("/admin/utilisateurs")]
pub async fn list_users(user: SignedIn, db: web::Data<Database>) -> PageResult {
    access::require(&user.user.user, Action::Administer)?;
    users_page(&db, user, GrantForm::default(), FieldErrors::default()).await
}

/// The grant a form names: a role, and the incubator or product it is scoped to.
fn grant_of(errors: &mut FieldErrors, role: &str, incubator: &str, product: &str) -> Option<Grant> {
    let role = errors.choice("role", "Rôle", Role::parse(role), "Choisissez un rôle.")?;
    let mut scope = |id: &str, label: &str, text: &str, missing: &str| {
        if text.trim().is_empty() {
            errors.add(id, label, missing);
            None
        } else {
            errors.check(id, label, Slug::parse(text.trim()))
        }
    };
    Some(match role {
        Role::Admin => Grant::Admin,
        Role::Viewer => Grant::Viewer,
        Role::Manager => Grant::Manager {
            incubator: scope(
                "incubator",
                "Incubateur",
                incubator,
                "Choisissez l'incubateur que la personne dirige.",
            )?,
        },
        Role::Member => Grant::Member {
            product: scope(
                "product",
                "Produit",
                product,
                "Saisissez l'identifiant du produit de l'équipe.",
            )?,
        },
    })
}

/// Gives a role, then back to the list; the form again (422) with the reasons otherwise.
#[post("/admin/utilisateurs/roles")]
pub async fn give_role(
    CsrfForm { user, fields: form }: CsrfForm<GrantForm>,
    db: web::Data<Database>,
) -> PageResult {
    access::require(&user.user.user, Action::Administer)?;
    let mut errors = FieldErrors::default();
    let email = errors.check("email", "Adresse électronique", Email::parse(&form.email));
    let grant = grant_of(&mut errors, &form.role, &form.incubator, &form.product);
    if let (Some(email), Some(grant)) = (email, grant) {
        match people::grant(&db, &user.principal(), email, grant).await {
            Ok(()) => return Ok(redirect("/admin/utilisateurs")),
            Err(refused) => errors.refused(refused, &GRANT_FIELDS)?,
        }
    }
    users_page(&db, user, form, errors).await
}

/// Takes a role back, then back to the list.
#[post("/admin/utilisateurs/roles/retirer")]
pub async fn take_role(
    CsrfForm { user, fields }: CsrfForm<RevokeForm>,
    db: web::Data<Database>,
) -> PageResult {
    access::require(&user.user.user, Action::Administer)?;
    let id = user_id(&fields.utilisateur)?;
    let mut errors = FieldErrors::default();
    let grant = grant_of(
        &mut errors,
        &fields.role,
        &fields.incubator,
        &fields.product,
    )
    .ok_or_else(|| ApiError::BadRequest("not a role".to_owned()))?;
    match people::revoke(&db, &user.principal(), id, grant).await {
        Ok(()) => Ok(redirect("/admin/utilisateurs")),
        Err(refused) => {
            errors.refused(refused, &[("comptes", "Comptes")])?;
            users_page(&db, user, GrantForm::default(), errors).await
        }
    }
}

/// Disables an account or enables it again, then back to the list.
#[post("/admin/utilisateurs/etat")]
pub async fn account_state(
    CsrfForm { user, fields }: CsrfForm<StateForm>,
    db: web::Data<Database>,
) -> PageResult {
    access::require(&user.user.user, Action::Administer)?;
    let id = user_id(&fields.utilisateur)?;
    let disable = fields.desactiver == "oui";
    match people::set_disabled(&db, &user.principal(), id, disable).await {
        Ok(()) => Ok(redirect("/admin/utilisateurs")),
        Err(refused) => {
            let mut errors = FieldErrors::default();
            errors.refused(refused, &[("comptes", "Comptes")])?;
            users_page(&db, user, GrantForm::default(), errors).await
        }
    }
}

/// One incubator of the list.
struct IncubatorLine {
    slug: String,
    name: String,
    administration: String,
    investigation: u32,
    construction: u32,
    acceleration: u32,
}

#[derive(Template)]
#[template(path = "admin_incubators.html")]
struct IncubatorsPage {
    nav: Nav,
    incubators: Vec<IncubatorLine>,
    form: IncubatorForm,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "admin_incubator.html")]
struct IncubatorPage {
    nav: Nav,
    slug: String,
    form: IncubatorForm,
    errors: FieldErrors,
}

/// An incubator's fields, as typed.
#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct IncubatorForm {
    slug: String,
    name: String,
    administration: String,
    investigation_months: String,
    construction_months: String,
    acceleration_months: String,
}

impl Default for IncubatorForm {
    /// A new incubator: the default durations.
    fn default() -> Self {
        let d = PhaseDurations::default();
        IncubatorForm {
            slug: String::new(),
            name: String::new(),
            administration: String::new(),
            investigation_months: d.investigation_months.to_string(),
            construction_months: d.construction_months.to_string(),
            acceleration_months: d.acceleration_months.to_string(),
        }
    }
}

const INCUBATOR_FIELDS: [(&str, &str); 6] = [
    ("slug", "Identifiant"),
    ("name", "Nom"),
    ("administration", "Administration"),
    ("investigation_months", "Investigation (mois)"),
    ("construction_months", "Construction (mois)"),
    ("acceleration_months", "Accélération (mois)"),
];

impl IncubatorForm {
    fn of(i: &Incubator) -> IncubatorForm {
        IncubatorForm {
            slug: i.slug.to_string(),
            name: i.name.clone(),
            administration: i.administration.clone(),
            investigation_months: i.durations.investigation_months.to_string(),
            construction_months: i.durations.construction_months.to_string(),
            acceleration_months: i.durations.acceleration_months.to_string(),
        }
    }

    /// The incubator, when the slug and the months read (the store checks the rest).
    fn parse(&self, errors: &mut FieldErrors, slug: Option<Slug>) -> Option<Incubator> {
        let slug =
            slug.or_else(|| errors.check("slug", "Identifiant", Slug::parse(self.slug.trim())));
        let mut months = |id: &str, label: &str, text: &str| {
            let parsed = text.trim().parse::<u32>().ok();
            if parsed.is_none() {
                errors.add(id, label, "Saisissez un nombre entier de mois.");
            }
            parsed
        };
        let investigation = months(
            "investigation_months",
            "Investigation (mois)",
            &self.investigation_months,
        );
        let construction = months(
            "construction_months",
            "Construction (mois)",
            &self.construction_months,
        );
        let acceleration = months(
            "acceleration_months",
            "Accélération (mois)",
            &self.acceleration_months,
        );
        Some(Incubator {
            slug: slug?,
            name: self.name.trim().to_owned(),
            administration: self.administration.trim().to_owned(),
            durations: PhaseDurations {
                investigation_months: investigation?,
                construction_months: construction?,
                acceleration_months: acceleration?,
            },
        })
    }
}

async fn incubators_page(
    db: &web::Data<Database>,
    user: SignedIn,
    form: IncubatorForm,
    errors: FieldErrors,
) -> PageResult {
    access::require(&user.user.user, Action::Administer)?;
    let all = db::read(db, incubators::list).await?;
    let page = IncubatorsPage {
        nav: user.nav,
        incubators: all
            .into_iter()
            .map(|(_, i)| IncubatorLine {
                slug: i.slug.to_string(),
                name: i.name,
                administration: i.administration,
                investigation: i.durations.investigation_months,
                construction: i.durations.construction_months,
                acceleration: i.durations.acceleration_months,
            })
            .collect(),
        form,
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

/// Every incubator, and the form for a new one.
#[get("/admin/incubateurs")]
pub async fn list_incubators(user: SignedIn, db: web::Data<Database>) -> PageResult {
    incubators_page(&db, user, IncubatorForm::default(), FieldErrors::default()).await
}

/// Creates an incubator, then back to the list.
#[post("/admin/incubateurs")]
pub async fn create_incubator(
    CsrfForm { user, fields: form }: CsrfForm<IncubatorForm>,
    db: web::Data<Database>,
) -> PageResult {
    access::require(&user.user.user, Action::Administer)?;
    let mut errors = FieldErrors::default();
    if let Some(incubator) = form.parse(&mut errors, None) {
        match people::create_incubator(&db, &user.principal(), incubator).await {
            Ok(()) => return Ok(redirect("/admin/incubateurs")),
            Err(refused) => errors.refused(refused, &INCUBATOR_FIELDS)?,
        }
    }
    incubators_page(&db, user, form, errors).await
}

fn incubator_page(
    user: SignedIn,
    slug: Slug,
    form: IncubatorForm,
    errors: FieldErrors,
) -> PageResult {
    let page = IncubatorPage {
        nav: user.nav,
        slug: slug.to_string(),
        form,
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

/// One incubator's form.
#[get("/admin/incubateurs/{slug}")]
pub async fn incubator_form(
    user: SignedIn,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let slug = crate::service::scope::slug(&slug, "incubator")?;
    let incubator = people::incubator(&db, &user.principal(), slug.clone()).await?;
    incubator_page(
        user,
        slug,
        IncubatorForm::of(&incubator),
        FieldErrors::default(),
    )
}

/// Rewrites the incubator (its slug stays), then back to the list.
#[post("/admin/incubateurs/{slug}")]
pub async fn update_incubator(
    CsrfForm { user, fields: form }: CsrfForm<IncubatorForm>,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let slug = crate::service::scope::slug(&slug, "incubator")?;
    // The permission and the incubator's existence first (403, 404).
    people::incubator(&db, &user.principal(), slug.clone()).await?;
    let mut errors = FieldErrors::default();
    if let Some(incubator) = form.parse(&mut errors, Some(slug.clone())) {
        match people::update_incubator(&db, &user.principal(), incubator).await {
            Ok(()) => return Ok(redirect("/admin/incubateurs")),
            Err(refused) => errors.refused(refused, &INCUBATOR_FIELDS[1..])?,
        }
    }
    incubator_page(user, slug, form, errors)
}
