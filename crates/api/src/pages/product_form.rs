//! `/produits/nouveau` (an incubator's managers, admins) and `/produits/{slug}/modifier` (its
//! team too): a product's sheet, through the same service as `POST` and `PATCH
//! /api/v1/products`. Publishing the stats page is the managers' call: the box shows only to
//! them.

use actix_web::{get, post, web};
use askama::Template;
use chrono::Utc;
use pilote_domain::access::{Action, allows};
use pilote_store::{
    Database,
    repo::{incubators, matrix_publication, products},
};
use serde::Deserialize;

use super::{
    Nav,
    forms::{Choice, CsrfForm, FieldErrors, Need, PageResult, SignedIn, form_page, optional},
    product_nav::{ProductNav, Tab},
    redirect,
};
use crate::{
    access::{self, ProductScope},
    db,
    error::ApiError,
    service::products::{self as edit, NewProduct, ProductChanges},
};

#[derive(Template)]
#[template(path = "product_form.html")]
struct ProductFormPage {
    nav: Nav,
    /// The breadcrumb and tabs, when editing.
    product_nav: Option<ProductNav>,
    title: String,
    creating: bool,
    /// The product's slug, when editing.
    slug: String,
    incubators: Vec<Choice>,
    /// Whether the visitor may publish the stats page.
    managing: bool,
    form: ProductForm,
    errors: FieldErrors,
}

/// The sheet's fields, as typed; the ids are the domain's field names, so that a refusal
/// lands on its field.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProductForm {
    incubator: String,
    slug: String,
    name: String,
    pitch: String,
    problem: String,
    sponsor: String,
    started_on: String,
    website: String,
    repository: String,
    /// A checked box sends `oui`; an unchecked one, nothing.
    published: Option<String>,
    publish_efficiency: Option<String>,
}

/// `(id, label)` of the fields a refusal may name; the first takes those that name none (a
/// slug already taken).
const FIELDS: [(&str, &str); 9] = [
    ("slug", "Identifiant"),
    ("incubator", "Incubateur"),
    ("name", "Nom"),
    ("pitch", "Pitch"),
    ("problem", "Problème"),
    ("sponsor", "Administration porteuse"),
    ("started_on", "Début de l'investigation"),
    ("website", "Site"),
    ("repository", "Code source"),
];

/// The incubators the visitor manages, as choices (403 when none: only managers create).
pub(super) async fn managed_incubators(
    db: &web::Data<Database>,
    user: &SignedIn,
    chosen: &str,
) -> Result<Vec<Choice>, ApiError> {
    let grants = user.user.user.grants.clone();
    let all = db::read(db, incubators::list).await?;
    let managed: Vec<(String, String)> = all
        .into_iter()
        .filter(|(_, i)| allows(&grants, Action::Manage { incubator: &i.slug }))
        .map(|(_, i)| (i.slug.to_string(), i.name))
        .collect();
    if managed.is_empty() {
        return Err(ApiError::Forbidden(
            "only an incubator's managers create products".to_owned(),
        ));
    }
    Ok(Choice::list(managed, chosen))
}

fn page(user: &SignedIn, slug: &str, form: ProductForm, errors: FieldErrors) -> ProductFormPage {
    let creating = slug.is_empty();
    ProductFormPage {
        nav: user.nav.clone(),
        product_nav: None,
        title: if creating {
            "Nouveau produit".to_owned()
        } else {
            format!("Modifier la fiche de {}", form.name)
        },
        creating,
        slug: slug.to_owned(),
        incubators: Vec::new(),
        managing: creating,
        form,
        errors,
    }
}

/// The breadcrumb and tabs of the sheet's form of the product named `name`.
fn sheet_nav(user: &SignedIn, scope: &ProductScope, name: String) -> ProductNav {
    ProductNav::new(
        &user.user.user,
        scope,
        &name,
        Tab::Sheet,
        Some("Modifier la fiche"),
    )
}

/// The empty sheet of a new product, starting today.
#[get("/produits/nouveau")]
pub async fn new_form(user: SignedIn, db: web::Data<Database>) -> PageResult {
    let mut page = page(&user, "", ProductForm::default(), FieldErrors::default());
    page.incubators = managed_incubators(&db, &user, "").await?;
    page.form.started_on = Utc::now().date_naive().to_string();
    Ok(form_page(&page, &page.errors))
}

/// Creates the product, then its page; the sheet again (422) with the reasons otherwise.
#[post("/produits/nouveau")]
pub async fn create(
    CsrfForm { user, fields: form }: CsrfForm<ProductForm>,
    db: web::Data<Database>,
) -> PageResult {
    let incubators = managed_incubators(&db, &user, &form.incubator).await?;
    let mut errors = FieldErrors::default();
    let started_on = match form.started_on.trim() {
        "" => None,
        typed => errors.date("started_on", "Début de l'investigation", typed),
    };
    if errors.is_empty() {
        let new = NewProduct {
            slug: form.slug.trim().to_owned(),
            name: form.name.clone(),
            pitch: form.pitch.clone(),
            incubator: form.incubator.clone(),
            sponsor: form.sponsor.clone(),
            problem: optional(&form.problem),
            started_on,
            published: form.published.is_some(),
            website: optional(&form.website),
            repository: optional(&form.repository),
        };
        match edit::create(&db, &user.principal(), new).await {
            Ok(slug) => return Ok(redirect(&format!("/produits/{slug}"))),
            Err(refused) => errors.refused(refused, &FIELDS)?,
        }
    }
    let mut page = page(&user, "", form, errors);
    page.incubators = incubators;
    Ok(form_page(&page, &page.errors))
}

/// The product's sheet, filled with what is stored.
#[get("/produits/{slug}/modifier")]
pub async fn edit_form(
    user: SignedIn,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Contribute).await?;
    let id = scope.id;
    let (product, efficiency) = db::read(&db, move |c| {
        Ok((
            products::get(c, id)?,
            matrix_publication::publishes_efficiency(c, id)?,
        ))
    })
    .await?;
    let checked = |on: bool| on.then(|| "oui".to_owned());
    let name = product.name.clone();
    let form = ProductForm {
        name: product.name,
        pitch: product.pitch,
        problem: product.problem.unwrap_or_default(),
        sponsor: product.sponsor,
        website: product.website.unwrap_or_default(),
        repository: product.repository.unwrap_or_default(),
        published: checked(product.published),
        publish_efficiency: checked(efficiency),
        ..ProductForm::default()
    };
    let mut page = page(&user, scope.slug.as_ref(), form, FieldErrors::default());
    page.managing = access::require(&user.user.user, scope.manage()).is_ok();
    page.product_nav = Some(sheet_nav(&user, &scope, name));
    Ok(form_page(&page, &page.errors))
}

/// Saves the sheet, then the product's page; the sheet again (422) with the reasons
/// otherwise.
#[post("/produits/{slug}/modifier")]
pub async fn update(
    CsrfForm { user, fields: form }: CsrfForm<ProductForm>,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Contribute).await?;
    let managing = access::require(&user.user.user, scope.manage()).is_ok();
    let changes = ProductChanges {
        name: Some(form.name.clone()),
        pitch: Some(form.pitch.clone()),
        problem: Some(optional(&form.problem)),
        sponsor: Some(form.sponsor.clone()),
        website: Some(optional(&form.website)),
        repository: Some(optional(&form.repository)),
        // Only a manager sees the box: for anyone else, publishing is left as it is.
        published: managing.then_some(form.published.is_some()),
        publish_efficiency: Some(form.publish_efficiency.is_some()),
    };
    let mut errors = FieldErrors::default();
    match edit::update(&db, &user.principal(), &slug, changes).await {
        Ok(slug) => return Ok(redirect(&format!("/produits/{slug}"))),
        Err(refused) => errors.refused(refused, &FIELDS[2..])?,
    }
    let id = scope.id;
    let name = db::read(&db, move |c| Ok(products::get(c, id)?.name)).await?;
    let mut page = page(&user, scope.slug.as_ref(), form, errors);
    page.managing = managing;
    page.product_nav = Some(sheet_nav(&user, &scope, name));
    Ok(form_page(&page, &page.errors))
}
