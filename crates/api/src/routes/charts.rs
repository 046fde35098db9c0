//! `/charts/...`: SVG (default) or PNG by extension, with an `ETag` so that a dashboard
//! reloaded in a review meeting costs a 304. A published product's charts are public, like its
//! stats page; other charts need the same rights as their data.

use actix_web::{
    HttpRequest, HttpResponse, get,
    http::header::{self, EntityTag, IfNoneMatch},
    web,
};
use chrono::{NaiveDate, Utc};
use pilote_charts::{ChartError, Format, Size};
use pilote_domain::{Slug, access::Action};
use pilote_store::{Database, DbConnection, ProductId, StoreResult, repo::products};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, IntoResponses};

use crate::{
    access::{self, ProductScope},
    auth::MaybePrincipal,
    db,
    error::{ApiError, ErrorEnvelope, responses::*},
    service::{chart_data, scope},
};

/// `?width=&height=` in pixels, 200 to 4000.
#[derive(Clone, Copy, Debug, Deserialize, IntoParams)]
pub struct SizeQuery {
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl SizeQuery {
    fn size(self, default: (u32, u32)) -> Result<Size, ApiError> {
        Size::new(
            self.width.unwrap_or(default.0),
            self.height.unwrap_or(default.1),
        )
        .map_err(chart_error)
    }
}

/// Maps the charts crate's error: a size out of bounds is the caller's (422).
fn chart_error(error: ChartError) -> ApiError {
    match error.field() {
        Some(field) => ApiError::Invalid {
            field: field.to_owned(),
            problem: error.to_string(),
        },
        None => ApiError::Internal(Box::new(error)),
    }
}

/// `name.svg` / `name.png` → (name, format); anything else is not a chart (404).
fn file(name: &str) -> Result<(&str, Format), ApiError> {
    name.rsplit_once('.')
        .and_then(|(stem, ext)| Format::from_extension(ext).map(|f| (stem, f)))
        .ok_or(ApiError::NotFound("chart"))
}

/// The rows every chart shares: 304 for the ETag the client has, 422 for a size out of bounds.
#[derive(IntoResponses)]
pub enum ChartRows {
    #[response(status = 304, description = "Unchanged since the `If-None-Match` ETag")]
    Unchanged,
    #[response(status = 422, description = "Width or height out of 200–4000")]
    BadSize(ErrorEnvelope),
}

/// The refusals of a product's chart: public once the product is published, otherwise for
/// whoever may read its data.
#[derive(IntoResponses)]
pub enum ProductChartRefusals {
    #[response(
        status = 401,
        description = "An unpublished product, without credentials"
    )]
    Anonymous(ErrorEnvelope),
    #[response(status = 403, description = "Not allowed to read this product")]
    Forbidden(ErrorEnvelope),
}

/// What a chart request asks for, once read: its size and format.
struct Asked<'a> {
    req: &'a HttpRequest,
    size: Size,
    format: Format,
}

impl<'a> Asked<'a> {
    fn new(req: &'a HttpRequest, size: Size, format: Format) -> Self {
        Asked { req, size, format }
    }
}

/// Renders with an ETag over the chart's input and parameters, answering 304 when the client
/// already has it. `public` charts (a published product's) may be cached by shared caches.
fn respond<T: std::fmt::Debug>(
    asked: Asked<'_>,
    public: bool,
    data: &T,
    render: impl FnOnce(&T, Size, Format) -> Result<Vec<u8>, ChartError>,
) -> Result<HttpResponse, ApiError> {
    let Asked { req, size, format } = asked;
    // The input's Debug form is deterministic and holds every value drawn.
    let mut hasher = Sha256::new();
    hasher.update(format!(
        "{data:?}|{}x{}|{format:?}",
        size.width(),
        size.height()
    ));
    let digest = hasher.finalize();
    let tag = EntityTag::new_strong(
        digest[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>(),
    );
    let cache = if public {
        "public, no-cache"
    } else {
        "private, no-cache"
    };
    let fresh = match <IfNoneMatch as header::Header>::parse(req) {
        Ok(IfNoneMatch::Any) => true,
        Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&tag)),
        Err(_) => false,
    };
    if fresh {
        return Ok(HttpResponse::NotModified()
            .insert_header(header::ETag(tag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish());
    }
    let bytes = render(data, size, format).map_err(chart_error)?;
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header(header::ETag(tag))
        .insert_header((header::CACHE_CONTROL, cache))
        .body(bytes))
}

/// The product a chart path names, after checking the caller may see its data.
async fn product_scope(
    db: &web::Data<Database>,
    principal: &MaybePrincipal,
    slug: &str,
) -> Result<(ProductScope, bool), ApiError> {
    let slug = scope::slug(slug, "product")?;
    let (scope, published) = db::read(db, move |c| {
        let scope = scope::product(c, &slug)?;
        let published = products::get(c, scope.id)?.published;
        Ok((scope, published))
    })
    .await?;
    match &principal.0 {
        _ if published => {}
        None => return Err(ApiError::Unauthorized("missing or invalid bearer token")),
        Some(p) => access::measures_reader(p, &scope)?,
    }
    Ok((scope, published))
}

/// A product's chart as of today, once the caller may see it: `load` reads its data, `draw`
/// draws it.
async fn product_chart<T, L>(
    asked: Asked<'_>,
    principal: &MaybePrincipal,
    db: &web::Data<Database>,
    slug: &str,
    load: L,
    draw: impl FnOnce(&T, Size, Format) -> Result<Vec<u8>, ChartError>,
) -> Result<HttpResponse, ApiError>
where
    T: std::fmt::Debug + Send + 'static,
    L: FnOnce(&mut DbConnection, ProductId, NaiveDate) -> StoreResult<T> + Send + 'static,
{
    let (scope, public) = product_scope(db, principal, slug).await?;
    let today = Utc::now().date_naive();
    let data = db::read(db, move |c| load(c, scope.id, today)).await?;
    respond(asked, public, &data, draw)
}

/// A portfolio chart's data as of `today`, for one incubator or all.
async fn portfolio_data<T: Send + 'static>(
    db: &web::Data<Database>,
    incubator: Option<Slug>,
    today: NaiveDate,
    load: fn(&mut DbConnection, Option<&Slug>, NaiveDate) -> StoreResult<T>,
) -> Result<T, ApiError> {
    db::read(db, move |c| load(c, incubator.as_ref(), today)).await
}

/// An indicator's series with its phase changes: `{key}.svg` or `{key}.png`.
#[utoipa::path(
    operation_id = "charts_indicator",
    tag = "charts",
    security((), ("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        ("file" = String, Path, description = "`{key}.svg` or `{key}.png`"),
        SizeQuery,
    ),
    responses(
        (status = 200, description = "The chart", content((String = "image/svg+xml"), (Vec<u8> = "image/png")),
         headers(("ETag" = String, description = "Hash of the data and the parameters"))),
        (status = 404, description = "Unknown product, indicator or extension", body = ErrorEnvelope),
        ChartRows, ProductChartRefusals, DatabaseDown,
    ),
)]
#[get("/charts/products/{slug}/indicators/{file}")]
pub async fn indicator(
    req: HttpRequest,
    principal: MaybePrincipal,
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
    query: web::Query<SizeQuery>,
) -> Result<HttpResponse, ApiError> {
    let (slug, name) = path.into_inner();
    let (key, format) = file(&name)?;
    let key = scope::slug(key, "indicator")?;
    let size = query.into_inner().size((800, 400))?;
    let asked = Asked::new(&req, size, format);
    let load =
        move |c: &mut DbConnection, product, today| chart_data::indicator(c, product, &key, today);
    let draw = pilote_charts::indicator_chart;
    product_chart(asked, &principal, &db, &slug, load, draw).await
}

/// The product's indicators as small multiples: `dashboard.svg` or `dashboard.png`.
#[utoipa::path(
    operation_id = "charts_dashboard",
    tag = "charts",
    security((), ("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
        ("file" = String, Path, description = "`dashboard.svg` or `dashboard.png`"),
        SizeQuery,
    ),
    responses(
        (status = 200, description = "The chart", content((String = "image/svg+xml"), (Vec<u8> = "image/png"))),
        (status = 404, description = "Unknown product or chart", body = ErrorEnvelope),
        ChartRows, ProductChartRefusals, DatabaseDown,
    ),
)]
#[get("/charts/products/{slug}/{file}")]
pub async fn dashboard(
    req: HttpRequest,
    principal: MaybePrincipal,
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
    query: web::Query<SizeQuery>,
) -> Result<HttpResponse, ApiError> {
    let (slug, name) = path.into_inner();
    let ("dashboard", format) = file(&name)? else {
        return Err(ApiError::NotFound("chart"));
    };
    let size = query.into_inner().size((1200, 800))?;
    let asked = Asked::new(&req, size, format);
    let load = chart_data::dashboard;
    let draw = pilote_charts::dashboard_chart;
    product_chart(asked, &principal, &db, &slug, load, draw).await
}

/// `?incubator=` and the size.
#[derive(Clone, Debug, Deserialize, IntoParams)]
pub struct PortfolioChartQuery {
    pub incubator: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// The portfolio: `phases.svg` (products per phase), `timeline.svg` (every product's phases
/// over time), `drift.svg` (budget against schedule drift of products with a contract) or
/// `efficiency.svg` (cost per active user against one-year growth of use); `.png` for PNG.
/// Anyone signed in.
#[utoipa::path(
    operation_id = "charts_portfolio",
    tag = "charts",
    security(("bearer" = [])),
    params(
        ("file" = String, Path, description = "`phases.svg`, `timeline.svg`, `drift.svg`, `efficiency.svg`, or `.png`"),
        PortfolioChartQuery,
    ),
    responses(
        (status = 200, description = "The chart", content((String = "image/svg+xml"), (Vec<u8> = "image/png"))),
        (status = 404, description = "Unknown chart or incubator", body = ErrorEnvelope),
        ChartRows, Unauthorized, PersonsOnly, DatabaseDown,
    ),
)]
#[get("/charts/portfolio/{file}")]
pub async fn portfolio(
    req: HttpRequest,
    principal: MaybePrincipal,
    db: web::Data<Database>,
    path: web::Path<String>,
    query: web::Query<PortfolioChartQuery>,
) -> Result<HttpResponse, ApiError> {
    let principal = principal
        .0
        .ok_or(ApiError::Unauthorized("missing or invalid bearer token"))?;
    access::person_allowed(&principal, Action::Read)?;
    let query = query.into_inner();
    let sizes = SizeQuery {
        width: query.width,
        height: query.height,
    };
    let incubator = query
        .incubator
        .as_deref()
        .map(|s| scope::slug(s, "incubator"))
        .transpose()?;
    let today = Utc::now().date_naive();
    let asked = |size, format| Asked::new(&req, size, format);
    // Anyone signed in sees the portfolio's charts: private caches only.
    let public = false;
    match file(&path)? {
        ("phases", format) => {
            let size = sizes.size((800, 400))?;
            let data = portfolio_data(&db, incubator, today, chart_data::portfolio_phases).await?;
            respond(
                asked(size, format),
                public,
                &data,
                pilote_charts::phases_chart,
            )
        }
        ("timeline", format) => {
            let data = portfolio_data(&db, incubator, today, chart_data::timeline).await?;
            let size = sizes.size((1200, data.natural_height()))?;
            respond(
                asked(size, format),
                public,
                &data,
                pilote_charts::timeline_chart,
            )
        }
        ("drift", format) => {
            let size = sizes.size((900, 600))?;
            let data = portfolio_data(&db, incubator, today, chart_data::drift).await?;
            respond(
                asked(size, format),
                public,
                &data,
                pilote_charts::drift_chart,
            )
        }
        ("efficiency", format) => {
            let size = sizes.size((900, 600))?;
            // Not `portfolio_data`: the matrices come through the database's cache.
            let cache = db.matrix_cache();
            let data = db::read(&db, move |c| {
                chart_data::efficiency(c, &cache, incubator.as_ref(), today)
            })
            .await?;
            respond(
                asked(size, format),
                public,
                &data,
                pilote_charts::efficiency_chart,
            )
        }
        _ => Err(ApiError::NotFound("chart")),
    }
}
