//! `/api/v1/products`: the portfolio's products.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{NaiveDate, Utc};
use pilote_domain::{ProductSheet, ProductStatus, access::Action};
use pilote_store::{
    ApplicationId, Database,
    repo::{
        applications,
        irritants::{self, Irritant, IrritantFilter},
        matrix_publication,
        products::{self, ProductFilter, ProductOverview},
        pulse::{self, NorthStar, Pulse},
        sheets,
    },
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    access,
    auth::Principal,
    db,
    error::{ApiError, ErrorEnvelope, responses::*},
    json::Json,
    json::present,
    list::{List, PageQuery},
    openapi,
    routes::product_sheet::{SheetDto, SheetView},
    service::{products as edit, scope},
};

/// A product as lists and `GET` show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductItem {
    pub slug: String,
    pub name: String,
    pub pitch: String,
    pub problem: Option<String>,
    pub incubator: String,
    pub incubator_name: String,
    pub sponsor: String,
    pub website: Option<String>,
    pub repository: Option<String>,
    pub published: bool,
    /// Whether its public stats page shows its efficiency figures (budget, cost per active
    /// user); off by default.
    pub publish_efficiency: bool,
    pub created_on: NaiveDate,
    /// The current phase, or `stopped`.
    #[schema(value_type = openapi::ProductStatus)]
    pub phase: &'static str,
    pub phase_started_on: NaiveDate,
    /// Past the incubator's maximum duration for its phase.
    pub overdue: bool,
    pub overdue_since: Option<NaiveDate>,
    /// Some weekly indicator has no value for the last complete week.
    pub late: bool,
    pub last_posted: Option<NaiveDate>,
    pub north_star: Option<NorthStarItem>,
    /// Its id in the beta.gouv.fr catalogue, as written there (`données-et-territoires`,
    /// whose slug is `donnees-et-territoires`); `null` for a product created in Pilote.
    pub betagouv_id: Option<String>,
    /// How it ended, as the catalogue says (`consolidation`, `opere`, `transfere`,
    /// `abandon`); `null` while it runs or when it was not imported.
    #[schema(value_type = Option<openapi::Outcome>)]
    pub outcome: Option<&'static str>,
    /// The application (to an appel à candidatures) it was launched from, if any:
    /// `GET /api/v1/applications/{id}`.
    pub application: Option<i64>,
    /// The irritants the product answers, the most voted first: one product's answer only,
    /// absent from lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub irritants: Option<Vec<AnsweredIrritant>>,
    /// Every incubator running it (slugs): its own first, then its co-incubators.
    pub incubators: Vec<String>,
    /// The whole product sheet (`PUT /products/{slug}/sheet`).
    #[serde(flatten)]
    pub sheet: SheetView,
}

/// An irritant a product (or a campaign's application) answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnsweredIrritant {
    pub id: i64,
    pub title: String,
    /// `open` or `closed`.
    pub status: String,
    pub votes: i64,
}

impl From<Irritant> for AnsweredIrritant {
    fn from(i: Irritant) -> Self {
        AnsweredIrritant {
            id: i.id.0,
            title: i.title,
            status: i.status.as_str().to_owned(),
            votes: i.votes,
        }
    }
}

/// The north star's latest value.
#[derive(Debug, Serialize, ToSchema)]
pub struct NorthStarItem {
    pub indicator: String,
    pub label: String,
    pub unit: String,
    pub period: NaiveDate,
    pub value: f64,
}

impl ProductItem {
    fn new(
        o: ProductOverview,
        pulse: Option<&Pulse>,
        publish_efficiency: bool,
        application: Option<ApplicationId>,
        sheet: Option<&ProductSheet>,
    ) -> Self {
        let pulse = pulse.cloned().unwrap_or_default();
        ProductItem {
            incubators: o.incubators().iter().map(ToString::to_string).collect(),
            sheet: SheetDto::of(sheet.unwrap_or(&ProductSheet::default())).into(),
            slug: o.product.slug.to_string(),
            name: o.product.name,
            pitch: o.product.pitch,
            problem: o.product.problem,
            incubator: o.product.incubator.to_string(),
            incubator_name: o.incubator_name,
            sponsor: o.product.sponsor,
            website: o.product.website,
            repository: o.product.repository,
            published: o.product.published,
            publish_efficiency,
            created_on: o.product.created_on,
            phase: o.status.as_str(),
            phase_started_on: o.phase_started_on,
            overdue: o.overdue_since.is_some(),
            overdue_since: o.overdue_since,
            late: pulse.late,
            last_posted: pulse.last_posted,
            betagouv_id: o.betagouv_id,
            outcome: o.outcome.map(pilote_domain::Outcome::as_str),
            application: application.map(|a| a.0),
            north_star: pulse.north_star.map(|n: NorthStar| NorthStarItem {
                indicator: n.key.to_string(),
                label: n.label,
                unit: n.unit,
                period: n.period,
                value: n.value,
            }),
            irritants: None,
        }
    }
}

/// `?incubator=&phase=&q=&thematique=` and paging; `incubator` matches co-incubation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this incubator's products (its slug).
    pub incubator: Option<String>,
    /// Only products in this phase, or `stopped`.
    #[param(value_type = Option<openapi::ProductStatus>)]
    pub phase: Option<String>,
    /// Words of the name or the pitch.
    pub q: Option<String>,
    /// Only products with this thematique in their sheet (accents and case ignored).
    pub thematique: Option<String>,
    /// The page, from 1 (default 1).
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u32>,
}

/// Products, by name, with their phase, freshness and north star; filtered by incubator,
/// phase (or `stopped`) and words of their name or pitch.
#[utoipa::path(
    operation_id = "products_list",
    tag = "products",
    security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "A page of products", body = List<ProductItem>),
        (status = 404, description = "`incubator` is not a valid slug", body = ErrorEnvelope),
        (status = 422, description = "Invalid paging or phase", body = ErrorEnvelope),
        Unauthorized, PersonsOnly, DatabaseDown,
    ),
)]
#[get("/products")]
pub async fn list(
    principal: Principal,
    db: web::Data<Database>,
    query: web::Query<ListQuery>,
) -> Result<web::Json<List<ProductItem>>, ApiError> {
    access::person_allowed(&principal, Action::Read)?;
    let query = query.into_inner();
    let page = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .page()?;
    let filter = ProductFilter {
        incubator: query
            .incubator
            .as_deref()
            .map(|s| scope::slug(s, "incubator"))
            .transpose()?,
        status: query
            .phase
            .as_deref()
            .map(|p| {
                ProductStatus::parse(p).map_err(|_| ApiError::Invalid {
                    field: "phase".to_owned(),
                    problem: "must be a phase or stopped".to_owned(),
                })
            })
            .transpose()?,
        query: query.q,
        thematique: query.thematique.filter(|t| !t.trim().is_empty()),
    };
    let today = Utc::now().date_naive();
    let (listing, pulses, efficiency, launched, sheets) = db::read(&db, move |c| {
        Ok((
            products::list(c, &filter, page, today)?,
            pulse::pulses(c, today)?,
            matrix_publication::publishing_efficiency(c)?,
            applications::by_product(c)?,
            sheets::all(c)?,
        ))
    })
    .await?;
    Ok(web::Json(List::from_listing(listing, page, |o| {
        let p = pulses.get(&o.id);
        let publish = efficiency.contains(&o.id);
        let application = launched.get(&o.id).copied();
        let sheet = sheets.get(&o.id);
        ProductItem::new(o, p, publish, application, sheet)
    })))
}

/// One product.
#[utoipa::path(
    operation_id = "products_get",
    tag = "products",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
    ),
    responses(
        (status = 200, description = "The product", body = ProductItem),
        Unauthorized, PersonsOnly, UnknownProduct, DatabaseDown,
    ),
)]
#[get("/products/{slug}")]
pub async fn get(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
) -> Result<web::Json<ProductItem>, ApiError> {
    access::person_allowed(&principal, Action::Read)?;
    let slug = scope::slug(&path, "product")?;
    Ok(web::Json(load_item(&db, slug).await?))
}

async fn load_item(
    db: &web::Data<Database>,
    slug: pilote_domain::Slug,
) -> Result<ProductItem, ApiError> {
    let today = Utc::now().date_naive();
    let (overview, pulse, publish, application, answered, sheet) = db::read(db, move |c| {
        // One product's figures only, not the whole portfolio's.
        let id = products::id_of(c, &slug)?;
        let answered = IrritantFilter {
            product: Some(id),
            ..IrritantFilter::default()
        };
        Ok((
            products::overview(c, id, today)?,
            pulse::pulse(c, id, today)?,
            matrix_publication::publishes_efficiency(c, id)?,
            applications::of_product(c, id)?,
            irritants::list(c, answered, None)?,
            sheets::get(c, id)?,
        ))
    })
    .await?;
    let mut item = ProductItem::new(overview, Some(&pulse), publish, application, Some(&sheet));
    item.irritants = Some(answered.into_iter().map(Into::into).collect());
    Ok(item)
}

/// The body of `POST /products`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProduct {
    pub slug: String,
    pub name: String,
    pub pitch: String,
    pub incubator: String,
    pub sponsor: String,
    pub problem: Option<String>,
    /// When the product began (its investigation's start); default today.
    pub started_on: Option<NaiveDate>,
    pub published: Option<bool>,
    pub website: Option<String>,
    pub repository: Option<String>,
}

/// Creates a product in an incubator (its managers): it starts in investigation.
#[utoipa::path(
    operation_id = "products_create",
    tag = "products",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The product created (`Location` names it)", body = ProductItem,
         headers(("Location" = String, description = "`/api/v1/products/{slug}`"))),
        (status = 404, description = "Unknown incubator", body = ErrorEnvelope),
        (status = 409, description = "The slug is taken", body = ErrorEnvelope),
        JsonBody, Unauthorized, ManagersOnly, InvalidFields, DatabaseDown,
    ),
)]
#[post("/products")]
pub async fn create(
    principal: Principal,
    db: web::Data<Database>,
    body: Json<NewProduct>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    // A wrong incubator keeps its API wording: it names a thing, it is not a slug rule.
    pilote_domain::Slug::parse(&body.incubator).map_err(|_| ApiError::Invalid {
        field: "incubator".to_owned(),
        problem: "is not a valid slug".to_owned(),
    })?;
    let new = edit::NewProduct {
        slug: body.slug,
        name: body.name,
        pitch: body.pitch,
        incubator: body.incubator,
        sponsor: body.sponsor,
        problem: body.problem,
        started_on: body.started_on,
        published: body.published.unwrap_or(false),
        website: body.website,
        repository: body.repository,
    };
    let slug = edit::create(&db, &principal, new).await?;
    let item = load_item(&db, slug.clone()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/products/{slug}"),
        ))
        .json(item))
}

/// The body of `PATCH /products/{slug}`: only the keys present change; `null` clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductPatch {
    pub name: Option<String>,
    pub pitch: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub problem: Option<Option<String>>,
    pub sponsor: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub repository: Option<Option<String>>,
    /// Publishing the public stats page is the incubator's call (its managers).
    pub published: Option<bool>,
    /// Whether the public stats page shows the efficiency figures: the product's choice
    /// (whoever may edit it).
    pub publish_efficiency: Option<bool>,
}

/// Edits a product's description (its team and its incubator's managers); publishing is for
/// managers only.
#[utoipa::path(
    operation_id = "products_update",
    tag = "products",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
    ),
    responses(
        (status = 200, description = "The product as edited", body = ProductItem),
        (status = 403, description = "Not in the team nor a manager (publishing: not a manager)", body = ErrorEnvelope),
        JsonBody, Unauthorized, UnknownProduct, InvalidFields, DatabaseDown,
    ),
)]
#[patch("/products/{slug}")]
pub async fn update(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    body: Json<ProductPatch>,
) -> Result<web::Json<ProductItem>, ApiError> {
    let slug = edit::update(&db, &principal, &path, body.0.into()).await?;
    Ok(web::Json(load_item(&db, slug).await?))
}

impl From<ProductPatch> for edit::ProductChanges {
    fn from(patch: ProductPatch) -> Self {
        edit::ProductChanges {
            name: patch.name,
            pitch: patch.pitch,
            problem: patch.problem,
            sponsor: patch.sponsor,
            website: patch.website,
            repository: patch.repository,
            published: patch.published,
            publish_efficiency: patch.publish_efficiency,
        }
    }
}
