//! Creating and editing a product: the JSON routes and the product forms share it.

use actix_web::web;
use chrono::{NaiveDate, Utc};
use pilote_domain::{Product, Slug, access::Action};
use pilote_store::{
    Database,
    repo::{matrix_publication, products},
};

use crate::{
    access::{self, ProductScope},
    auth::{CurrentUser, Principal},
    db,
    error::ApiError,
    service::scope,
};

/// A new product as a caller describes it. Names are trimmed here; the domain checks every
/// field (`Product::validate`, with the start not after today). A page turns a blank optional
/// field into `None` itself: the API keeps what it was sent.
#[derive(Clone, Debug, Default)]
pub struct NewProduct {
    pub slug: String,
    pub name: String,
    pub pitch: String,
    pub incubator: String,
    pub sponsor: String,
    pub problem: Option<String>,
    /// The start of its investigation; today when `None`.
    pub started_on: Option<NaiveDate>,
    pub published: bool,
    pub website: Option<String>,
    pub repository: Option<String>,
}

impl NewProduct {
    /// The product to store in `incubator` (its slug parsed; the store checks the rest).
    pub fn into_product(self, incubator: Slug) -> Result<Product, ApiError> {
        let today = Utc::now().date_naive();
        Ok(Product {
            slug: Slug::parse(&self.slug)?,
            name: self.name.trim().to_owned(),
            pitch: self.pitch.trim().to_owned(),
            problem: self.problem,
            sponsor: self.sponsor.trim().to_owned(),
            incubator,
            website: self.website,
            repository: self.repository,
            published: self.published,
            created_on: self.started_on.unwrap_or(today),
        })
    }
}

/// Creates a product in an incubator, if `principal` manages it (403 otherwise; 404 for an
/// unknown incubator, 409 for a slug taken): it starts in investigation. Audited.
pub async fn create(
    db: &web::Data<Database>,
    principal: &Principal,
    new: NewProduct,
) -> Result<Slug, ApiError> {
    let incubator = Slug::parse(&new.incubator).map_err(|e| e.with_field("incubator"))?;
    access::person_allowed(
        principal,
        Action::Manage {
            incubator: &incubator,
        },
    )?;
    let product = new.into_product(incubator)?;
    let actor = access::actor(principal);
    let slug = product.slug.clone();
    db::write(db, move |c| products::insert(c, &product, actor)).await?;
    Ok(slug)
}

/// What an edit changes: `None` leaves a field alone, `Some(None)` clears an optional one.
#[derive(Clone, Debug, Default)]
pub struct ProductChanges {
    pub name: Option<String>,
    pub pitch: Option<String>,
    pub problem: Option<Option<String>>,
    pub sponsor: Option<String>,
    pub website: Option<Option<String>>,
    pub repository: Option<Option<String>>,
    /// Publishing the public stats page is the incubator's call (its managers).
    pub published: Option<bool>,
    /// Whether the public stats page shows the efficiency figures: the product's choice.
    pub publish_efficiency: Option<bool>,
}

impl ProductChanges {
    fn apply(self, product: &mut Product) {
        let trimmed = |text: String| text.trim().to_owned();
        if let Some(name) = self.name {
            product.name = trimmed(name);
        }
        if let Some(pitch) = self.pitch {
            product.pitch = trimmed(pitch);
        }
        if let Some(sponsor) = self.sponsor {
            product.sponsor = trimmed(sponsor);
        }
        if let Some(problem) = self.problem {
            product.problem = problem;
        }
        if let Some(website) = self.website {
            product.website = website;
        }
        if let Some(repository) = self.repository {
            product.repository = repository;
        }
        if let Some(published) = self.published {
            product.published = published;
        }
    }
}

/// Edits a product's description: its team and its incubator's managers; publishing (or
/// unpublishing) is the managers' call. Read, checked and written in one transaction under
/// the product's lock: an edit applied to a stale copy would undo a concurrent change (a
/// manager publishing, say). Audited.
pub async fn update(
    db: &web::Data<Database>,
    principal: &Principal,
    slug: &str,
    changes: ProductChanges,
) -> Result<Slug, ApiError> {
    let slug = scope::slug(slug, "product")?;
    let user = access::person(principal)?.clone();
    let actor = access::actor(principal);
    let lookup = slug.clone();
    db::write(db, move |c| {
        let scope = scope::product(c, &lookup)?;
        pilote_store::transaction::lock_product(c, scope.id)?;
        let mut product = products::get(c, scope.id)?;
        if let Err(refused) = allowed(&user, &scope, &changes, &product) {
            return Ok(Err(refused));
        }
        let publish_efficiency = changes.publish_efficiency;
        changes.apply(&mut product);
        products::update(c, scope.id, &product, actor)?;
        if let Some(publish) = publish_efficiency {
            matrix_publication::set_publish_efficiency(c, scope.id, publish, actor)?;
        }
        Ok(Ok(()))
    })
    .await??;
    Ok(slug)
}

/// The team edits the description; publishing (or unpublishing) is the managers' call.
fn allowed(
    user: &CurrentUser,
    scope: &ProductScope,
    changes: &ProductChanges,
    product: &Product,
) -> Result<(), ApiError> {
    access::require(user, scope.contribute())?;
    if changes.published.is_some_and(|p| p != product.published) {
        access::require(user, scope.manage())?;
    }
    Ok(())
}
