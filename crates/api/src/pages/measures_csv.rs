//! The file import of `/produits/{slug}/mesures` (CSV or `.xlsx`), in two steps: the upload
//! shows a preview (what would be created, changed — with the old value — or left unchanged,
//! the values that look suspect, or every cell at fault) and writes nothing; the confirmation
//! writes.
//!
//! The confirmation form carries the uploaded file back, byte for byte (base64, in a hidden
//! field), and the server reads and checks it again from scratch (`service::sheet`, the API's
//! reader, then `post_rows` with source `csv`, the API's own code): the same file gets the
//! same answer as from the API. Nothing is kept on the server between the two steps, and a
//! confirmation can never write rows that were not checked: if the data changed in between,
//! the errors are shown again instead.

use actix_web::{HttpResponse, http::StatusCode, post, web};
use askama::Template;
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::Utc;
use pilote_charts::french;
use pilote_domain::{Change, DomainError, MeasureSource, RawRow, classify_change};
use pilote_store::{
    Database,
    repo::{indicators, measures as stored},
};

use super::{
    Nav,
    forms::{Need, PageResult, SignedIn},
    measures::{after_save, french_suspicion},
    multipart::{CsrfParts, part_text},
};
use crate::{
    access::ProductScope,
    db,
    error::ApiError,
    service::{
        measures::{check_rows, indicator_index, post_rows, suspects_of},
        sheet::{Columns, Layout, Sheet},
    },
};

/// One line that would be written.
struct PreviewRow {
    line: String,
    indicator: String,
    period: String,
    value: String,
    change: &'static str,
    old: String,
    /// Why the value looks suspect, as the single-value form says it.
    warning: Option<String>,
}

/// One problem of the file, at its place.
struct LineError {
    place: String,
    message: String,
}

#[derive(Template)]
#[template(path = "measures_preview.html")]
struct PreviewPage {
    nav: Nav,
    slug: String,
    rows: Vec<PreviewRow>,
    errors: Vec<LineError>,
    counts: String,
    /// How many rows look suspect.
    suspects: usize,
    /// The uploaded file, base64, carried back by the confirmation form.
    file: String,
}

/// Every problem of an error at its place (« ligne 4, colonne C (valeur) », « fichier »).
fn line_errors(error: ApiError, layout: Option<&Layout>) -> Result<Vec<LineError>, ApiError> {
    let problems = match error {
        ApiError::InvalidMany(problems) => problems
            .into_iter()
            .map(|(field, problem)| (field, problem.french()))
            .collect(),
        ApiError::Refused(e @ DomainError::Invalid { .. }) => {
            vec![(e.field().unwrap_or_default().to_owned(), e.french())]
        }
        other => return Err(other),
    };
    Ok(problems
        .into_iter()
        .map(|(field, message)| LineError {
            place: place_of(&field, layout),
            message,
        })
        .collect())
}

/// A field path as the page names it: its cell when the layout knows it, else its line
/// (`lines[4]`), else the file.
fn place_of(field: &str, layout: Option<&Layout>) -> String {
    if let Some(place) = layout.and_then(|l| l.place(field)) {
        return place.french();
    }
    field
        .strip_prefix("lines[")
        .and_then(|rest| rest.split(']').next())
        .map_or_else(|| "fichier".to_owned(), |n| format!("ligne {n}"))
}

/// What the file would do, without writing anything: the rows, their change and suspicion,
/// or the problems of the file.
async fn preview(
    db: &web::Data<Database>,
    user: &SignedIn,
    scope: &ProductScope,
    file: &[u8],
) -> Result<(Vec<PreviewRow>, Vec<LineError>), ApiError> {
    let sheet = match Sheet::read(file, Columns::OneProduct) {
        Ok(sheet) => sheet,
        Err(e) => return Ok((Vec::new(), line_errors(e, None)?)),
    };
    let layout = sheet.layout();
    let refused = |e| Ok((Vec::new(), line_errors(e, Some(layout))?));
    let rows = match sheet.measures() {
        Ok(rows) => rows,
        Err(e) => return refused(e),
    };
    let shown: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r.field.clone(),
                place_of(&r.field, None),
                french::decimal(r.value),
            )
        })
        .collect();
    let lookup = scope.clone();
    let index = db::read(db, move |c| indicator_index(c, &lookup)).await?;
    // The same checks as the write, on the same rows.
    let inputs = match check_rows(rows.clone(), &index, Utc::now().date_naive()) {
        Ok(inputs) => inputs,
        Err(e) => return refused(e),
    };
    // The single-value form's own suspect rule, on the same rows.
    let suspects = suspects_of(db, &user.principal(), scope.clone(), rows).await?;
    let product = scope.id;
    let existing = db::read(db, move |c| {
        let labels: std::collections::HashMap<_, _> = indicators::list(c, product)?
            .into_iter()
            .map(|(id, i)| (id, i.label))
            .collect();
        let mut found = Vec::with_capacity(inputs.len());
        for input in inputs.into_inputs() {
            let current = stored::history(c, input.indicator, input.period)?
                .into_iter()
                .next();
            let label = labels.get(&input.indicator).cloned().unwrap_or_default();
            found.push((input, label, current));
        }
        Ok(found)
    })
    .await?;
    let rows = existing
        .into_iter()
        .zip(shown)
        .map(|((input, label, current), (field, line, value))| {
            let change = classify_change(
                current.as_ref().map(|m| (m.value, m.comment.as_deref())),
                input.value,
                input.comment.as_deref(),
            );
            PreviewRow {
                line,
                indicator: label,
                period: french::period(input.period),
                value,
                change: change.label_fr(),
                old: match (change, current) {
                    (Change::Updated, Some(m)) => french::decimal(m.value),
                    _ => String::new(),
                },
                warning: suspects
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, suspicion)| french_suspicion(suspicion)),
            }
        })
        .collect();
    Ok((rows, Vec::new()))
}

fn preview_page(
    user: &SignedIn,
    scope: &ProductScope,
    file: &[u8],
    (rows, errors): (Vec<PreviewRow>, Vec<LineError>),
) -> HttpResponse {
    let count = |label: &str| rows.iter().filter(|r| r.change == label).count();
    let counts = format!(
        "{}, {}, {}.",
        french::plural(
            count(Change::Created.label_fr()),
            "valeur nouvelle",
            "valeurs nouvelles"
        ),
        french::plural(count(Change::Updated.label_fr()), "modifiée", "modifiées"),
        french::plural(
            count(Change::Unchanged.label_fr()),
            "inchangée",
            "inchangées"
        ),
    );
    let refused = !errors.is_empty();
    let mut response = super::render(&PreviewPage {
        nav: user.nav.clone(),
        slug: scope.slug.to_string(),
        suspects: rows.iter().filter(|r| r.warning.is_some()).count(),
        rows,
        errors,
        counts,
        file: STANDARD.encode(file),
    });
    if refused && response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// The bytes of the part `name` (a file is not necessarily UTF-8).
fn part_bytes<'a>(parts: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    parts
        .iter()
        .find(|(n, _)| n == name)
        .map_or(&[], |(_, v)| v.as_slice())
}

/// Step 1: the uploaded file (`fichier`), previewed. Writes nothing.
#[post("/produits/{slug}/mesures/csv")]
pub async fn upload(
    CsrfParts { user, parts }: CsrfParts,
    db: web::Data<Database>,
    path: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &path, Need::Contribute).await?;
    let file = part_bytes(&parts, "fichier");
    let shown = preview(&db, &user, &scope, file).await?;
    Ok(preview_page(&user, &scope, file, shown))
}

/// Step 2: the carried file (`fichier`, base64), read and checked again, then written in one
/// transaction; back to the form with what it did.
#[post("/produits/{slug}/mesures/csv/confirmer")]
pub async fn confirm(
    CsrfParts { user, parts }: CsrfParts,
    db: web::Data<Database>,
    path: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &path, Need::Contribute).await?;
    let carried = part_text(&parts, "fichier").unwrap_or_default();
    // Only this page's own form sends the field: a broken one is a bad request.
    let file = STANDARD
        .decode(carried.trim())
        .map_err(|_| ApiError::BadRequest("the carried file is not base64".into()))?;
    let (written, layout) = match Sheet::read(&file, Columns::OneProduct) {
        Ok(sheet) => {
            let rows: Result<Vec<RawRow>, ApiError> = sheet.measures();
            let written = match rows {
                Ok(rows) => {
                    post_rows(
                        &db,
                        &user.principal(),
                        scope.clone(),
                        rows,
                        MeasureSource::Csv,
                    )
                    .await
                }
                Err(e) => Err(e),
            };
            (written, Some(sheet.layout().clone()))
        }
        Err(e) => (Err(e), None),
    };
    match written {
        Ok(outcome) => Ok(after_save(scope.slug.as_ref(), "", &outcome)),
        Err(e) => {
            let errors = line_errors(e, layout.as_ref())?;
            Ok(preview_page(&user, &scope, &file, (Vec::new(), errors)))
        }
    }
}
