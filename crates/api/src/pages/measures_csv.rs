//! The CSV import of `/produits/{slug}/mesures`, in two steps: the upload shows a preview (what
//! would be created, changed — with the old value — or left unchanged, or every line at
//! fault) and writes nothing; the confirmation writes.
//!
//! The confirmation form carries the file's text back in a hidden field, and the server parses
//! and checks it again from scratch (`parse_csv`, then `post_rows` with source `csv`, the API's
//! own code). Nothing is kept on the server between the two steps, and a confirmation can
//! never write rows that were not checked: if the data changed in between, the errors are
//! shown again instead.

use actix_web::{HttpResponse, http::StatusCode, post, web};
use askama::Template;
use chrono::Utc;
use pilote_charts::french;
use pilote_domain::{Change, DomainError, MeasureSource, classify_change};
use pilote_store::{
    Database,
    repo::{indicators, measures as stored},
};

use super::{
    Nav,
    forms::{Need, PageResult, SignedIn},
    measures::after_save,
    multipart::{CsrfParts, part_text},
};
use crate::{
    access::ProductScope,
    db,
    error::ApiError,
    service::{
        measures::{check_rows, indicator_index, post_rows},
        measures_csv::parse_csv,
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
}

/// One line at fault.
struct LineError {
    line: String,
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
    /// The file's text, carried back by the confirmation form.
    csv: String,
}

/// `lines[4].value` → "ligne 4".
fn line_of(field: &str) -> String {
    field
        .strip_prefix("lines[")
        .and_then(|rest| rest.split(']').next())
        .map_or_else(|| "fichier".to_owned(), |n| format!("ligne {n}"))
}

fn line_errors(error: ApiError) -> Result<Vec<LineError>, ApiError> {
    let problems = match error {
        ApiError::InvalidMany(problems) => problems
            .into_iter()
            .map(|(field, problem)| (field, problem.french()))
            .collect(),
        ApiError::Refused(e @ DomainError::Invalid { .. }) => {
            vec![(e.field().unwrap_or_default().to_owned(), e.french())]
        }
        // The parser's only 400: a header the csv crate cannot read.
        ApiError::BadRequest(_) => vec![(
            "fichier".to_owned(),
            "Ligne illisible (guillemets ou nombre de colonnes).".to_owned(),
        )],
        other => return Err(other),
    };
    Ok(problems
        .into_iter()
        .map(|(field, message)| LineError {
            line: line_of(&field),
            message,
        })
        .collect())
}

/// What the file would do, without writing anything: the rows and their change, or the lines
/// at fault.
async fn preview(
    db: &web::Data<Database>,
    scope: &ProductScope,
    csv: &[u8],
) -> Result<(Vec<PreviewRow>, Vec<LineError>), ApiError> {
    let rows = match parse_csv(csv) {
        Ok(rows) => rows,
        Err(e) => return Ok((Vec::new(), line_errors(e)?)),
    };
    let shown: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                line_of(&r.field),
                r.indicator.clone(),
                french::decimal(r.value),
            )
        })
        .collect();
    let lookup = scope.clone();
    let index = db::read(db, move |c| indicator_index(c, &lookup)).await?;
    // The same checks as the write, on the same rows.
    let inputs = match check_rows(rows, &index, Utc::now().date_naive()) {
        Ok(inputs) => inputs,
        Err(e) => return Ok((Vec::new(), line_errors(e)?)),
    };
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
        .map(|((input, label, current), (line, _, value))| {
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
            }
        })
        .collect();
    Ok((rows, Vec::new()))
}

fn preview_page(
    user: &SignedIn,
    scope: &ProductScope,
    csv: String,
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
        rows,
        errors,
        counts,
        csv,
    });
    if refused && response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// Step 1: the uploaded file (`fichier`), previewed. Writes nothing.
#[post("/produits/{slug}/mesures/csv")]
pub async fn upload(
    CsrfParts { user, parts }: CsrfParts,
    db: web::Data<Database>,
    path: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &path, Need::Contribute).await?;
    let csv = part_text(&parts, "fichier").unwrap_or_default();
    let shown = preview(&db, &scope, csv.as_bytes()).await?;
    Ok(preview_page(&user, &scope, csv, shown))
}

/// Step 2: the confirmed text (`csv`), parsed and checked again, then written in one
/// transaction; back to the form with what it did.
#[post("/produits/{slug}/mesures/csv/confirmer")]
pub async fn confirm(
    CsrfParts { user, parts }: CsrfParts,
    db: web::Data<Database>,
    path: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &path, Need::Contribute).await?;
    let csv = part_text(&parts, "csv").unwrap_or_default();
    let written = match parse_csv(csv.as_bytes()) {
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
    match written {
        Ok(outcome) => Ok(after_save(scope.slug.as_ref(), "", &outcome)),
        Err(e) => {
            let errors = line_errors(e)?;
            Ok(preview_page(&user, &scope, csv, (Vec::new(), errors)))
        }
    }
}
