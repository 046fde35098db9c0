//! Measures as CSV, columns `indicator,period,value,comment`: the spreadsheet way in and out
//! (in: a CSV file or an `.xlsx` workbook, read by `service::sheet`).

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
        scope::scope_of,
        sheet::{Columns, LIMIT, Sheet, read_limited},
    },
};

/// Posts a file of values, CSV or `.xlsx`: the same rules as the JSON batch, each problem
/// named by its cell.
#[utoipa::path(
    operation_id = "measures_csv_upload",
    tag = "measures",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The product's slug"),
    ),
    request_body(
        content(
            (String = "text/csv", example = json!("indicateur;période;valeur;commentaire\ndemarches;30/11/2026;1 234,5;enquête été\n")),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ),
        description = "A header line naming the columns `indicator`, `period`, `value` and \
            optionally `comment`, in any order, in English or French (`indicateur`, `période`, \
            `valeur`, `commentaire`; case and accents ignored), then one line per value. CSV: \
            UTF-8 (with or without byte-order mark) or Windows-1252, `;` or `,` separated; any \
            other encoding is refused, never stored mis-decoded. `.xlsx`: the first visible \
            worksheet; date cells and serial day numbers are dates. Periods `30/11/2026` or \
            `2026-11-30`; values `1 234,5`, `12.5` (spaces and no-break spaces group \
            thousands). Blank lines and lines of separators only are skipped. The file's kind \
            is told from its bytes, whatever the content type."),
    responses(
        (status = 200, description = "What the file did", body = BatchOutcome),
        (status = 400, description = "The body could not be read", body = ErrorEnvelope),
        (status = 403, description = "Another product's token, or a person not in the team nor a manager", body = ErrorEnvelope),
        (status = 413, description = "The body is over 10 MiB", body = ErrorEnvelope),
        (status = 422, description = "The file refused (its encoding, its header: field `file` or \
            `lines[N]`) or cells at fault, each named in `details` by its field path \
            (`lines[4].value`) and its cell (`line 4, column C (value): ...`); nothing stored", body = ErrorEnvelope),
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
    let sheet = Sheet::read(&body, Columns::OneProduct)?;
    let layout = sheet.layout();
    let rows = sheet.measures().map_err(|e| layout.locate(e))?;
    let mut outcome = post_rows(&db, &principal, scope, rows, MeasureSource::Csv)
        .await
        .map_err(|e| layout.locate(e))?;
    for warning in &mut outcome.warnings {
        if let Some(place) = layout.place(&warning.field) {
            warning.problem = format!("{}: {}", place.english(), warning.problem);
        }
    }
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
