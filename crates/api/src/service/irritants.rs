//! Irritants: the JSON routes and the pages share these calls. Anyone signed in (a person, any
//! role or none) submits, reads and votes; the incubator's managers and admins link an
//! irritant to a product of the incubator or to an application of one of its campaigns, and
//! close it with an answer. API tokens never get
//! here (the callers ask for a person).

use actix_web::web;
use pilote_domain::{DomainError, IrritantAnswer, IrritantStatus, NewIrritant, access::Action};
use pilote_store::{
    ApplicationId, Database, IrritantId, ProductId, StoreError,
    repo::{
        applications, campaigns, incubators,
        irritants::{self, Irritant, IrritantFilter},
        products,
    },
};

use crate::{
    access,
    auth::CurrentUser,
    db,
    error::ApiError,
    service::scope::{self, slug},
};

/// Every problem of a new irritant, each on its field (422).
pub fn refused(problems: Vec<DomainError>) -> ApiError {
    ApiError::InvalidMany(
        problems
            .into_iter()
            .filter_map(|e| match e {
                DomainError::Invalid { field, problem } => Some((field, problem)),
                DomainError::Conflict(_) => None,
            })
            .collect(),
    )
}

/// Submits an irritant to the incubator `incubator` names (404 unknown); the author's vote
/// comes with it.
pub async fn submit(
    db: &web::Data<Database>,
    user: &CurrentUser,
    incubator: &str,
    new: NewIrritant,
) -> Result<Irritant, ApiError> {
    let incubator = slug(incubator, "incubator")?;
    let author = user.id;
    db::write(db, move |c| {
        let (inc, _) = incubators::find(c, &incubator)?;
        let id = irritants::create(c, inc, author, &new, pilote_store::Actor::User(author))?;
        irritants::get(c, id, Some(author))
    })
    .await
}

/// The incubator's irritants, the most voted first; only those of `status` when given.
pub async fn list(
    db: &web::Data<Database>,
    user: &CurrentUser,
    incubator: &str,
    status: Option<IrritantStatus>,
) -> Result<Vec<Irritant>, ApiError> {
    let incubator = slug(incubator, "incubator")?;
    let reader = user.id;
    db::read(db, move |c| {
        let (inc, _) = incubators::find(c, &incubator)?;
        let filter = IrritantFilter {
            incubator: Some(inc),
            status,
            ..IrritantFilter::default()
        };
        irritants::list(c, filter, Some(reader))
    })
    .await
}

/// One irritant, as `user` sees it (404 unknown).
pub async fn get(
    db: &web::Data<Database>,
    user: &CurrentUser,
    id: i64,
) -> Result<Irritant, ApiError> {
    let reader = user.id;
    db::read(db, move |c| irritants::get(c, IrritantId(id), Some(reader))).await
}

/// The irritants a product answers, the most voted first.
pub async fn of_product(
    db: &web::Data<Database>,
    product: ProductId,
) -> Result<Vec<Irritant>, ApiError> {
    db::read(db, move |c| {
        let filter = IrritantFilter {
            product: Some(product),
            ..IrritantFilter::default()
        };
        irritants::list(c, filter, None)
    })
    .await
}

/// The irritants an application of a campaign answers, the most voted first.
pub fn of_application(
    c: &mut pilote_store::DbConnection,
    application: ApplicationId,
) -> Result<Vec<Irritant>, StoreError> {
    let filter = IrritantFilter {
        application: Some(application),
        ..IrritantFilter::default()
    };
    irritants::list(c, filter, None)
}

/// Gives (`true`) or withdraws `user`'s vote; doing it twice changes nothing (200 both
/// times). 404 unknown, 409 closed. The irritant afterwards.
pub async fn vote(
    db: &web::Data<Database>,
    user: &CurrentUser,
    id: i64,
    give: bool,
) -> Result<Irritant, ApiError> {
    let (id, voter) = (IrritantId(id), user.id);
    let actor = pilote_store::Actor::User(voter);
    db::write(db, move |c| {
        if give {
            irritants::vote(c, id, voter, actor)?;
        } else {
            irritants::withdraw_vote(c, id, voter, actor)?;
        }
        irritants::get(c, id, Some(voter))
    })
    .await
}

/// Whether `user` may link and close the irritants of `irritant`'s incubator.
pub fn may_manage(user: &CurrentUser, irritant: &Irritant) -> bool {
    pilote_domain::access::allows(
        &user.grants,
        Action::Manage {
            incubator: &irritant.incubator,
        },
    )
}

/// 404 for an unknown irritant, then 403 unless `user` manages its incubator: the pages' link
/// form asks before it reads what was chosen.
pub async fn require_manager(
    db: &web::Data<Database>,
    user: &CurrentUser,
    id: i64,
) -> Result<(), ApiError> {
    managed(db, user, IrritantId(id)).await
}

/// The incubators `(slug, name)` whose irritants anyone signed in reads, by name.
pub async fn incubators(db: &web::Data<Database>) -> Result<Vec<(String, String)>, ApiError> {
    db::read(db, |c| {
        let mut all: Vec<(String, String)> = incubators::list(c)?
            .into_iter()
            .map(|(_, i)| (i.slug.as_ref().to_owned(), i.name))
            .collect();
        all.sort_by(|a, b| pilote_domain::french_cmp(&a.1, &b.1));
        Ok(all)
    })
    .await
}

/// What an irritant of `incubator` may be linked to: the incubator's products `(slug, name)`,
/// in name order, and its campaigns' applications `(id, "campaign — title")`, latest campaign
/// first. For the managers' forms (the link itself checks again).
pub struct LinkChoices {
    pub products: Vec<(String, String)>,
    pub applications: Vec<(String, String)>,
}

/// The choices of the managers' link forms for an irritant of `incubator`.
pub async fn link_choices(
    db: &web::Data<Database>,
    incubator: &pilote_domain::Slug,
) -> Result<LinkChoices, ApiError> {
    let incubator = incubator.clone();
    let today = chrono::Utc::now().date_naive();
    db::read(db, move |c| {
        let products = products::overviews(c, Some(&incubator), today)?
            .into_iter()
            .map(|o| (o.product.slug.as_ref().to_owned(), o.product.name))
            .collect();
        let mut choices = Vec::new();
        for (id, campaign) in campaigns::list(c, Some(&incubator))? {
            for stored in applications::list(c, id)? {
                choices.push((
                    stored.id.0.to_string(),
                    format!("{} — {}", campaign.title, stored.application.title),
                ));
            }
        }
        Ok(LinkChoices {
            products,
            applications: choices,
        })
    })
    .await
}

/// 404 for an unknown irritant, then 403 unless `user` manages its incubator.
async fn managed(
    db: &web::Data<Database>,
    user: &CurrentUser,
    id: IrritantId,
) -> Result<(), ApiError> {
    let (incubator, _) = db::read(db, move |c| irritants::scope(c, id)).await?;
    access::require(
        user,
        Action::Manage {
            incubator: &incubator,
        },
    )
}

/// Links the irritant to exactly one of a product of its incubator and an application to one
/// of its campaigns (the managers; 403 before what was chosen is looked at). Neither or both is
/// 422 naming the field to give or to remove; an unknown product or application, or one of
/// another incubator, 422 on its field.
pub async fn link(
    db: &web::Data<Database>,
    user: &CurrentUser,
    id: i64,
    product_slug: Option<&str>,
    application_id: Option<i64>,
) -> Result<Irritant, ApiError> {
    let id = IrritantId(id);
    managed(db, user, id).await?;
    match (product_slug, application_id) {
        (Some(product), None) => link_product(db, user, id, product).await,
        (None, Some(application)) => link_application(db, user, id, application).await,
        (product, _) => {
            let (field, fr) = if product.is_some() {
                (
                    "application_id",
                    "Liez à un produit ou à une candidature, pas aux deux.",
                )
            } else {
                ("product_slug", "Choisissez un produit ou une candidature.")
            };
            Err(DomainError::rule(
                field,
                "give exactly one of product_slug and application_id",
                fr,
            )
            .into())
        }
    }
}

/// Links the irritant to a product of its incubator: an unknown product, or one of another
/// incubator, is 422 on `product_slug`.
async fn link_product(
    db: &web::Data<Database>,
    user: &CurrentUser,
    id: IrritantId,
    product_slug: &str,
) -> Result<Irritant, ApiError> {
    let unknown = || {
        ApiError::from(DomainError::rule(
            "product_slug",
            "names no product of the irritant's incubator",
            "Choisissez un produit de l'incubateur de cet irritant.",
        ))
    };
    let product = scope::slug(product_slug.trim(), "product").map_err(|_| unknown())?;
    let actor = pilote_store::Actor::User(user.id);
    let reader = user.id;
    let linked = db::write(db, move |c| {
        let (incubator, _) = irritants::scope(c, id)?;
        let found = match products::find(c, &product) {
            Ok(found) => Some(found),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        let Some((product, _)) = found.filter(|(_, p)| p.incubator == incubator) else {
            return Ok(None);
        };
        irritants::link(c, id, product, actor)?;
        irritants::get(c, id, Some(reader)).map(Some)
    })
    .await?;
    linked.ok_or_else(unknown)
}

/// Links the irritant to an application of one of its incubator's campaigns: an unknown
/// application, or one of another incubator, is 422 on `application_id`.
async fn link_application(
    db: &web::Data<Database>,
    user: &CurrentUser,
    id: IrritantId,
    application: i64,
) -> Result<Irritant, ApiError> {
    let unknown = || {
        ApiError::from(DomainError::rule(
            "application_id",
            "names no application to a campaign of the irritant's incubator",
            "Choisissez une candidature à un appel de l'incubateur de cet irritant.",
        ))
    };
    let application = ApplicationId(application);
    let actor = pilote_store::Actor::User(user.id);
    let reader = user.id;
    let linked = db::write(db, move |c| {
        let (incubator, _) = irritants::scope(c, id)?;
        let stored = match applications::get(c, application) {
            Ok(stored) => stored,
            Err(StoreError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        if campaigns::get(c, stored.campaign_id)?.incubator != incubator {
            return Ok(None);
        }
        irritants::link_application(c, id, application, actor)?;
        irritants::get(c, id, Some(reader)).map(Some)
    })
    .await?;
    linked.ok_or_else(unknown)
}

/// Closes the irritant with an answer (the managers): 422 on `answer` when blank or too
/// long, 409 when already closed.
pub async fn close(
    db: &web::Data<Database>,
    user: &CurrentUser,
    id: i64,
    answer: &str,
) -> Result<Irritant, ApiError> {
    let id = IrritantId(id);
    managed(db, user, id).await?;
    let answer = IrritantAnswer::parse(answer)?;
    let closer = user.id;
    let actor = pilote_store::Actor::User(closer);
    db::write(db, move |c| {
        irritants::close(c, id, &answer, closer, actor)?;
        irritants::get(c, id, Some(closer))
    })
    .await
}
