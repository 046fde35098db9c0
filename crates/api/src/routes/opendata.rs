//! `/api/v1/opendata/...`: the measures of the published products as open data (« ouverture
//! par défaut »), under the Licence Ouverte / Open Licence 2.0 (Etalab): `measures.csv`,
//! `measures.json`, their Frictionless Table Schema `schema.json` and a `datapackage.json`
//! describing them. Public, like the published stats pages; `pilote export opendata DIR`
//! writes the same files (see [`files`]).

use actix_web::{HttpResponse, get, http::header, web};
use pilote_store::{
    Database,
    repo::{campaigns, opendata},
};

use crate::{
    db,
    error::{ApiError, ErrorEnvelope, responses::*},
    service::opendata::{
        LICENCE_URL, datapackage, funnel_json, measures_csv, measures_json, pretty, products_json,
        schema,
    },
};

/// One open data file: the measures (`measures.csv`, `measures.json`) of the published
/// products, their Table Schema (`schema.json`), the Data Package (`datapackage.json`) or
/// the appels à candidatures' funnel (`funnel.json`: counts per campaign and per year) or the
/// published products with the public part of their sheet (`products.json`: no contact).
/// Public; Licence Ouverte 2.0 (Etalab), stated in `datapackage.json` and the `Link` header.
#[utoipa::path(
    operation_id = "opendata_file",
    tag = "opendata",
    security(()),
    params(("file" = String, Path,
            description = "`measures.csv`, `measures.json`, `schema.json`, `datapackage.json`, `funnel.json` or `products.json`")),
    responses(
        (status = 200, description = "The file",
         content((String = "text/csv"), (Object = "application/json")),
         headers(("Link" = String, description = "The licence, `rel=\"license\"`"))),
        (status = 404, description = "Not one of the six files", body = ErrorEnvelope),
        DatabaseDown,
    ),
)]
#[get("/opendata/{file}")]
pub async fn file(
    db: web::Data<Database>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = path.into_inner();
    let content_type = match name.as_str() {
        "measures.csv" => "text/csv; charset=utf-8",
        "measures.json" | "schema.json" | "datapackage.json" | "funnel.json" | "products.json" => {
            "application/json"
        }
        _ => return Err(ApiError::NotFound("open data file")),
    };
    let body = match name.as_str() {
        "schema.json" => pretty(&schema())?,
        "datapackage.json" => pretty(&datapackage())?,
        "products.json" => {
            let all = db::read(&db, opendata::published_products).await?;
            products_json(&all)?
        }
        "funnel.json" => {
            let all = db::read(&db, |c| campaigns::funnels(c, None)).await?;
            funnel_json(&all, &campaigns::per_year(&all))?
        }
        _ => {
            let measures = db::read(&db, opendata::published_measures).await?;
            if name == "measures.csv" {
                measures_csv(&measures)?
            } else {
                measures_json(&measures)?
            }
        }
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::LINK, format!("<{LICENCE_URL}>; rel=\"license\"")))
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(body))
}
