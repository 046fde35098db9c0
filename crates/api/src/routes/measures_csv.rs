//! Measures as CSV, columns `indicator,period,value,comment`: the spreadsheet way in and out.

use actix_web::{HttpResponse, get, http::header, post, web};
use pilote_domain::{MeasureSource, access::Action};
use pilote_store::{
    Database,
    repo::{indicators, measures},
};

use crate::{
    access,
    auth::Principal,
    db,
    error::{ApiError, ErrorEnvelope, responses::*},
    service::{
        measures::{BatchOutcome, post_rows},
        measures_csv::{LIMIT, parse_csv, read_limited},
        scope::scope_of,
    },
};

/// Posts a CSV file of values: the same rules as the JSON batch, errors named by line.
#[utoipa::path(
    operation_id = "measures_csv_upload",
    tag = "measures",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
    ),
    request_body(content = String, content_type = "text/csv",
        description = "Columns `indicator,period,value,comment` (comment optional), a header line \
            first; `12,5` is read as 12.5",
        example = "indicator,period,value,comment\ndemarches,2026-11-16,1234,\n"),
    responses(
        (status = 200, description = "What the file did", body = BatchOutcome),
        (status = 400, description = "Not readable as CSV", body = ErrorEnvelope),
        (status = 403, description = "Another product's token, or a person not in the team nor a manager", body = ErrorEnvelope),
        (status = 413, description = "The body is over 10 MiB", body = ErrorEnvelope),
        (status = 422, description = "Lines at fault, each named in `details` (`lines[4].value`); nothing stored", body = ErrorEnvelope),
        Unauthorized, UnknownProduct, DatabaseDown,
    ),
)]
#[post("/products/{slug}/measures.csv")]
pub async fn upload(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<web::Json<BatchOutcome>, ApiError> {
    let scope = scope_of(&db, &path).await?;
    access::measures_writer(&principal, &scope)?;
    let body = read_limited(payload, LIMIT).await?;
    let rows = parse_csv(&body)?;
    let outcome = post_rows(&db, &principal, scope, rows, MeasureSource::Csv).await?;
    Ok(web::Json(outcome))
}

/// A comment a spreadsheet would run as a formula (`=HYPERLINK(...)`) gets a leading quote:
/// the file is opened by people who trust it (OWASP's CSV injection advice).
fn defuse(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// Every value of the product, by indicator then period, as CSV.
#[utoipa::path(
    operation_id = "measures_csv_download",
    tag = "measures",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
    ),
    responses(
        (status = 200, description = "Every value, columns `indicator,period,value,comment`",
         content_type = "text/csv", body = String,
         headers(("Content-Disposition" = String, description = "`attachment; filename=\"{slug}-mesures.csv\"`"))),
        (status = 403, description = "Another product's token, or no role", body = ErrorEnvelope),
        Unauthorized, UnknownProduct, DatabaseDown,
    ),
)]
#[get("/products/{slug}/measures.csv")]
pub async fn download(
    principal: Principal,
    db: web::Data<Database>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let scope = scope_of(&db, &path).await?;
    match &principal {
        Principal::Token { .. } => access::measures_reader(&principal, &scope)?,
        Principal::User(_) => {
            access::person_allowed(&principal, Action::Read)?;
        }
    }
    let slug = scope.slug.to_string();
    let rows = db::read(&db, move |c| {
        let mut rows = Vec::new();
        for (id, indicator) in indicators::list(c, scope.id)? {
            for m in measures::series(c, id, None)? {
                rows.push((indicator.key.to_string(), m));
            }
        }
        Ok(rows)
    })
    .await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let write = |w: &mut csv::Writer<Vec<u8>>, record: &[&str]| {
        w.write_record(record)
            .map_err(|e| ApiError::Internal(Box::new(e)))
    };
    write(&mut writer, &["indicator", "period", "value", "comment"])?;
    for (key, m) in rows {
        let period = m.period.to_string();
        let value = m.value.to_string();
        let comment = defuse(m.comment.as_deref().unwrap_or(""));
        write(&mut writer, &[&key, &period, &value, &comment])?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| ApiError::Internal(e.to_string().into()))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{slug}-mesures.csv\""),
        ))
        .body(body))
}
