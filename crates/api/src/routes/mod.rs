//! The route table: every path the server answers, in one place.

use actix_web::web;
use pilote_domain::access::Action;
use pilote_store::{Database, DbConnection, Page, ProductId, StoreResult};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    access, auth::Principal, db, error::ApiError, list::PageQuery, openapi,
    service::scope::scope_of,
};

/// `GET` a page of a product's rows, the shape every such list shares: [`product_rows`]'s
/// checks in its order, `load` reading the rows, `each` turning one into the page's item, and
/// one documentation (its 200 row, then 401, 403 for an API token, 404, 422 for paging, 503).
/// The module brings in what its other handlers use too: `get`, `web`, `Database`,
/// `Principal`, `ApiError`, `List`, `PageQuery` and `responses::*`.
macro_rules! product_list {
    (
        $(#[doc = $doc:tt])*
        fn $name:ident = $operation_id:tt, tag $tag:tt, get $path:tt,
        200 $description:tt $item:ident,
        load $load:expr,
        each $each:expr $(,)?
    ) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            operation_id = $operation_id,
            tag = $tag,
            security(("bearer" = [])),
            params(("slug" = String, Path, description = "The product's slug"), PageQuery),
            responses(
                (status = 200, description = $description, body = List<$item>),
                Unauthorized, PersonsOnly, UnknownProduct, InvalidPaging, DatabaseDown,
            ),
        )]
        #[get($path)]
        pub async fn $name(
            principal: Principal,
            db: web::Data<Database>,
            path: web::Path<String>,
            page: web::Query<PageQuery>,
        ) -> Result<web::Json<List<$item>>, ApiError> {
            let (rows, page) =
                crate::routes::product_rows(&principal, &db, &path, page, $load).await?;
            let items = rows
                .into_iter()
                .map($each)
                .collect::<Result<Vec<$item>, ApiError>>()?;
            Ok(web::Json(List::paginate(items, page)))
        }
    };
}

pub mod applications;
pub mod auth;
pub mod bilan;
pub mod campaigns;
pub mod charts;
pub mod commitments;
pub mod committee_cadence;
pub mod contract;
pub mod contract_dto;
pub mod decisions;
pub mod health;
pub mod incubators;
pub mod indicators;
pub mod invitations;
pub mod irritants;
pub mod matrix;
pub mod matrix_certification;
pub mod matrix_portfolio;
pub mod me;
pub mod measures;
pub mod measures_csv;
pub mod objectives;
pub mod opendata;
pub mod portfolio;
pub mod product_sheet;
pub mod products;
pub mod review_dto;
pub mod reviews;
pub mod sources;
pub mod spend;
pub mod tokens;

/// Registers every route. Each handler goes through `.service(...)`, never `.route(...)`:
/// that is how `utoipa-actix-web` puts it, with its schemas, in the OpenAPI document.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(crate::metrics::endpoint)
        .service(charts::indicator)
        .service(charts::dashboard)
        .service(charts::portfolio)
        .service(
            utoipa_actix_web::scope("/api/v1")
                // The weekly posts first: actix tries the patterns in this order, a regex for
                // each one with a `{slug}`, and the teams' scripts post far more often than
                // anything else is asked for (issue 23's profile). No other pattern matches it.
                .service(measures::create)
                .service(openapi::serve)
                .service(
                    utoipa_actix_web::scope("/auth")
                        .app_data(auth::json_config())
                        .service(auth::login),
                )
                .service(opendata::file)
                .service(me::me)
                .service(invitations::create)
                .service(incubators::list)
                .service(incubators::create)
                .service(committee_cadence::put)
                .service(campaigns::create)
                .service(campaigns::get)
                .service(applications::submit)
                .service(applications::list)
                .service(applications::ranking)
                .service(applications::get)
                .service(applications::status)
                .service(applications::scores)
                .service(applications::launch)
                .service(irritants::create)
                .service(irritants::list)
                .service(irritants::get)
                .service(irritants::vote)
                .service(irritants::withdraw)
                .service(irritants::link)
                .service(irritants::close)
                .service(portfolio::summary)
                .service(matrix_portfolio::portfolio)
                .service(bilan::get)
                .service(products::list)
                .service(products::create)
                // CSV routes before `/products/{slug}`-style patterns that could shadow them.
                .service(measures_csv::upload)
                .service(measures_csv::download)
                .service(products::get)
                .service(products::update)
                .service(product_sheet::put)
                .service(decisions::phase_history)
                .service(decisions::list)
                .service(decisions::create)
                .service(indicators::list)
                .service(indicators::create)
                .service(indicators::get)
                .service(indicators::update)
                .service(sources::get)
                .service(sources::put)
                .service(sources::remove)
                .service(sources::run)
                .service(measures::series)
                .service(measures::history)
                .service(measures::clear_suspect)
                .service(matrix::get)
                .service(matrix_certification::put)
                .service(tokens::create)
                .service(tokens::list)
                .service(tokens::revoke)
                .service(contract::get)
                .service(contract::put)
                .service(contract::status)
                .service(objectives::list)
                .service(objectives::create)
                .service(objectives::update)
                .service(objectives::remove)
                .service(commitments::list)
                .service(commitments::create)
                .service(commitments::update)
                .service(commitments::remove)
                .service(spend::list)
                .service(spend::put)
                .service(reviews::create)
                .service(reviews::list)
                .service(reviews::get)
                .service(reviews::update)
                .service(reviews::sign),
        )
        .default_service(web::to(unknown_route));
}

/// Any other path: 404 in the contract's JSON envelope, never an empty body; a French page
/// instead to a browser asking for a page outside `/api/` and `/charts/`.
async fn unknown_route(req: actix_web::HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    if crate::pages::wants_page(&req) {
        return Ok(crate::pages::error_page(ApiError::NotFound("page")));
    }
    Err(ApiError::NotFound("route"))
}

/// What every list of a product's rows does before paging them, in this order: any person may
/// read (403 for an API token), the page is checked (422), the product found (404), then `load`
/// reads its rows.
async fn product_rows<T, F>(
    principal: &Principal,
    db: &web::Data<Database>,
    slug: &str,
    page: web::Query<PageQuery>,
    load: F,
) -> Result<(T, Page), ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, ProductId) -> StoreResult<T> + Send + 'static,
{
    access::person_allowed(principal, Action::Read)?;
    let page = page.into_inner().page()?;
    let scope = scope_of(db, slug).await?;
    let rows = db::read(db, move |c| load(c, scope.id)).await?;
    Ok((rows, page))
}
