//! Measures in and out of files: `pilote import measures` and `pilote export measures`.
//!
//! A CSV or `.xlsx` file is read by the API's own reader (`service::sheet`: encoding, `;` or
//! `,`, French headers, dates and numbers, a `product` column for the portfolio) and every
//! row checked by the API's own rules before the store's upsert (history kept for a corrected
//! value, the same value again is unchanged). A JSON file is the
//! body of `POST /products/{slug}/measures` (`{"measures": [...]}`), or for the whole
//! portfolio `{"products": [{"product": SLUG, "measures": [...]}]}`.

use std::path::Path;

use chrono::NaiveDate;
use pilote_api::{
    ApiError,
    service::{
        measures::{MeasureRow, RawRow, check_rows, indicator_index},
        sheet::{Columns, Layout, Sheet},
    },
};
use pilote_domain::{MeasureSource, Slug};
use pilote_store::{
    Actor, DbConnection, StoreError,
    repo::{
        indicators,
        measures::{self, UpsertCounts},
        products,
    },
    transaction,
};
use serde::{Deserialize, Serialize};

use crate::refusal::{Problem, Refusal};

/// A measures file's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FileFormat {
    Csv,
    Json,
    /// An Excel workbook: read by the same reader as CSV (import only).
    Xlsx,
}

impl FileFormat {
    /// The format a file name says (`.csv`, `.json`, `.xlsx`), if it says one.
    pub fn of_path(path: &Path) -> Option<FileFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(FileFormat::Csv),
            "json" => Some(FileFormat::Json),
            "xlsx" => Some(FileFormat::Xlsx),
            _ => None,
        }
    }
}

/// One product's rows in a portfolio JSON file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductMeasures {
    product: String,
    measures: Vec<MeasureRow>,
}

/// A JSON file: one product's batch, or the portfolio's.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonFile {
    measures: Option<Vec<MeasureRow>>,
    products: Option<Vec<ProductMeasures>>,
}

/// The rows of one product, as read from a file.
struct Group {
    product: String,
    /// Prefix of this product's error locations in a portfolio file.
    location: Option<String>,
    /// In a portfolio CSV file, where each row names the product (`lines[7].product`): an
    /// unknown product is refused on every line that names it.
    product_fields: Vec<String>,
    /// A spreadsheet's columns, which name the cell of each problem.
    layout: Option<Layout>,
    rows: Vec<RawRow>,
}

/// What an import of measures did, product by product.
#[derive(Debug, Default)]
pub struct MeasuresReport {
    pub products: Vec<(String, UpsertCounts)>,
    pub dry_run: bool,
}

impl MeasuresReport {
    /// Every product's counts added up.
    pub fn total(&self) -> UpsertCounts {
        let mut total = UpsertCounts::default();
        for (_, c) in &self.products {
            total.created += c.created;
            total.updated += c.updated;
            total.unchanged += c.unchanged;
        }
        total
    }

    /// Rows read, all products together.
    pub fn rows(&self) -> u64 {
        let t = self.total();
        t.created + t.updated + t.unchanged
    }
}

impl std::fmt::Display for MeasuresReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.dry_run {
            writeln!(f, "Simulation (--dry-run) : rien n'a été écrit.")?;
        }
        for (slug, c) in &self.products {
            writeln!(
                f,
                "{slug:<30} {} créées, {} corrigées, {} inchangées",
                c.created, c.updated, c.unchanged
            )?;
        }
        let t = self.total();
        write!(
            f,
            "Mesures : {} lues, {} créées, {} corrigées (ancienne valeur gardée dans l'historique), {} inchangées.",
            self.rows(),
            t.created,
            t.updated,
            t.unchanged
        )
    }
}

/// Where a reader's or checker's field path points, in words: `lines[12].value` is the cell
/// (`ligne 12, colonne C (valeur)`) when the file's layout is known, `ligne 12` otherwise;
/// JSON paths (`measures[3].period`) stay as they are.
fn location(field: &str, prefix: Option<&str>, layout: Option<&Layout>) -> String {
    if let Some(place) = layout.and_then(|l| l.place(field)) {
        return place.french();
    }
    if let Some(rest) = field.strip_prefix("lines[")
        && let Some((line, _)) = rest.split_once(']')
    {
        return format!("ligne {line}");
    }
    match (field, prefix) {
        ("file", _) => "fichier".to_owned(),
        (_, Some(prefix)) => format!("{prefix}.{field}"),
        (_, None) => field.to_owned(),
    }
}

/// The problems an API error lists, located for a person reading a file.
fn problems(error: ApiError, prefix: Option<&str>, layout: Option<&Layout>) -> Vec<Problem> {
    let pairs = match error {
        ApiError::InvalidMany(pairs) => pairs
            .into_iter()
            .map(|(field, problem)| (field, problem.french()))
            .collect(),
        ApiError::Refused(e @ pilote_domain::DomainError::Invalid { .. }) => {
            vec![(e.field().unwrap_or_default().to_owned(), e.french())]
        }
        other => vec![("file".to_owned(), other.to_string())],
    };
    pairs
        .into_iter()
        .map(|(field, problem)| Problem {
            location: location(&field, prefix, layout),
            problem,
        })
        .collect()
}

/// Reads a file's rows, by product; `product` is the `--product` option.
fn read(
    bytes: &[u8],
    format: FileFormat,
    product: Option<&str>,
) -> Result<Vec<Group>, anyhow::Error> {
    match format {
        FileFormat::Csv | FileFormat::Xlsx => read_sheet(bytes, product),
        FileFormat::Json => {
            let file: JsonFile = serde_json::from_slice(bytes).map_err(|e| {
                Refusal::invalid(
                    "fichier JSON refusé, rien n'a été écrit :",
                    vec![Problem {
                        location: format!("ligne {}, colonne {}", e.line(), e.column()),
                        problem: e.to_string(),
                    }],
                )
            })?;
            let rows = |measures: Vec<MeasureRow>| -> Vec<RawRow> {
                measures
                    .into_iter()
                    .enumerate()
                    .map(|(i, m)| RawRow {
                        field: format!("measures[{i}]"),
                        indicator: m.indicator,
                        period: m.period,
                        value: m.value,
                        comment: m.comment,
                    })
                    .collect()
            };
            match (file.measures, file.products, product) {
                (Some(measures), None, Some(product)) => Ok(vec![Group {
                    product: product.to_owned(),
                    location: None,
                    product_fields: Vec::new(),
                    layout: None,
                    rows: rows(measures),
                }]),
                (Some(_), None, None) => Err(Refusal::Usage(
                    "ce fichier JSON est celui d'un produit : précisez --product SLUG".to_owned(),
                )
                .into()),
                (None, Some(list), wanted) => Ok(list
                    .into_iter()
                    .enumerate()
                    // `--product` picks one product out of a portfolio file.
                    .filter(|(_, p)| wanted.is_none_or(|w| w == p.product))
                    .map(|(i, p)| Group {
                        product: p.product,
                        location: Some(format!("products[{i}]")),
                        product_fields: Vec::new(),
                        layout: None,
                        rows: rows(p.measures),
                    })
                    .collect()),
                _ => Err(Refusal::invalid(
                    "fichier JSON refusé, rien n'a été écrit :",
                    vec![Problem {
                        location: "fichier".to_owned(),
                        problem: "must hold either \"measures\" (one product) or \"products\" (the portfolio)".to_owned(),
                    }],
                )
                .into()),
            }
        }
    }
}

/// A spreadsheet's rows (CSV or `.xlsx`, told apart by their bytes), by product: one
/// product's file (`--product` names it), or a portfolio file whose `product` column names
/// each row's (as `pilote export measures` writes it). `wanted` (`--product`) keeps that
/// product's rows only (every row is still read).
fn read_sheet(bytes: &[u8], wanted: Option<&str>) -> Result<Vec<Group>, anyhow::Error> {
    let refused = |problems| Refusal::invalid("fichier refusé, rien n'a été écrit :", problems);
    let sheet = Sheet::read(bytes, Columns::ProductAllowed)
        .map_err(|e| refused(problems(e, None, None)))?;
    let layout = sheet.layout();
    let rows = sheet
        .rows()
        .map_err(|e| refused(problems(e, None, Some(layout))))?;
    if !layout.has_product() {
        let Some(product) = wanted else {
            return Err(Refusal::Usage(
                "ce fichier est celui d'un produit (pas de colonne product) : précisez --product SLUG"
                    .to_owned(),
            )
            .into());
        };
        return Ok(vec![Group {
            product: product.to_owned(),
            location: None,
            product_fields: Vec::new(),
            layout: Some(layout.clone()),
            rows: rows.into_iter().map(|r| r.row).collect(),
        }]);
    }
    let mut groups: Vec<Group> = Vec::new();
    for row in rows {
        let slug = row.product.unwrap_or_default();
        let product_field = format!("{}.product", row.row.field);
        match groups.iter_mut().find(|g| g.product == slug) {
            Some(group) => {
                group.product_fields.push(product_field);
                group.rows.push(row.row);
            }
            None => groups.push(Group {
                product: slug,
                location: None,
                product_fields: vec![product_field],
                layout: Some(layout.clone()),
                rows: vec![row.row],
            }),
        }
    }
    // `--product` picks one product: the whole file was read, only its rows are imported.
    groups.retain(|g| wanted.is_none_or(|w| g.product == w));
    Ok(groups)
}

/// Imports a measures file: every row checked first (nothing written if any is wrong), then
/// one transaction for all products (`dry_run`: rolled back). `today` bounds the periods.
pub fn import_measures(
    conn: &mut DbConnection,
    bytes: &[u8],
    format: FileFormat,
    product: Option<&str>,
    dry_run: bool,
    today: NaiveDate,
    progress: &mut dyn FnMut(usize, usize),
) -> anyhow::Result<MeasuresReport> {
    let groups = read(bytes, format, product)?;
    if let (true, Some(wanted)) = (groups.is_empty(), product) {
        return Err(Refusal::invalid(
            "rien n'a été écrit :",
            vec![Problem {
                location: "products".to_owned(),
                problem: format!("le fichier ne contient pas le produit {wanted}"),
            }],
        )
        .into());
    }
    let source = match format {
        // A workbook is a spreadsheet file as a CSV one is: the same source.
        FileFormat::Csv | FileFormat::Xlsx => MeasureSource::Csv,
        FileFormat::Json => MeasureSource::Import,
    };
    let mut all_problems = Vec::new();
    let mut batches = Vec::new();
    transaction::read(conn, |c| {
        for group in groups {
            let prefix = group.location.as_deref();
            // Where a bad product is named: each of its lines in a portfolio CSV file.
            let at_product = |problem: String| -> Vec<Problem> {
                if group.product_fields.is_empty() {
                    vec![Problem {
                        location: location("product", prefix, None),
                        problem,
                    }]
                } else {
                    group
                        .product_fields
                        .iter()
                        .map(|field| Problem {
                            location: location(field, None, group.layout.as_ref()),
                            problem: problem.clone(),
                        })
                        .collect()
                }
            };
            let slug = match Slug::parse(&group.product) {
                Ok(slug) => slug,
                Err(e) => {
                    all_problems.extend(at_product(e.to_string()));
                    continue;
                }
            };
            let (id, found) = match products::find(c, &slug) {
                Ok(found) => found,
                Err(StoreError::NotFound { .. }) => {
                    all_problems.extend(at_product(format!("produit inconnu : {slug}")));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let scope = pilote_api::service::scope::of(c, id, found)?;
            let index = indicator_index(c, &scope)?;
            match check_rows(group.rows, &index, today) {
                Ok(inputs) => batches.push((slug, id, inputs)),
                Err(e) => all_problems.extend(problems(e, prefix, group.layout.as_ref())),
            }
        }
        Ok(())
    })?;
    if !all_problems.is_empty() {
        let n = all_problems.len();
        return Err(Refusal::invalid(
            format!("{n} problème(s) dans le fichier, rien n'a été écrit :"),
            all_problems,
        )
        .into());
    }
    let total = batches.len();
    let write = |c: &mut DbConnection| {
        let mut report = Vec::new();
        progress(0, total);
        for (slug, id, inputs) in &batches {
            let counts = measures::upsert(c, *id, inputs, source, Actor::System, today)?;
            report.push((slug.to_string(), counts));
            progress(report.len(), total);
        }
        Ok(report)
    };
    let products = if dry_run {
        transaction::dry_run(conn, write)?
    } else {
        transaction::write(conn, write)?
    };
    Ok(MeasuresReport { products, dry_run })
}

/// One value as exported (JSON).
#[derive(Debug, Serialize)]
struct ExportRow {
    indicator: String,
    period: NaiveDate,
    value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
}

/// A portfolio file, fields in this order.
#[derive(Debug, Serialize)]
struct ExportPortfolio {
    products: Vec<ExportProduct>,
}

/// One product's file: the body of `POST /products/{slug}/measures`.
#[derive(Debug, Serialize)]
struct ExportBatch {
    measures: Vec<ExportRow>,
}

#[derive(Debug, Serialize)]
struct ExportProduct {
    product: String,
    measures: Vec<ExportRow>,
}

/// Every product asked for, by slug, with its values by indicator key then period.
fn collect(
    conn: &mut DbConnection,
    product: Option<&Slug>,
    today: NaiveDate,
) -> anyhow::Result<Vec<ExportProduct>> {
    Ok(transaction::read(conn, |c| {
        let mut wanted: Vec<(String, pilote_store::ProductId)> = match product {
            Some(slug) => vec![(slug.to_string(), products::id_of(c, slug)?)],
            None => products::overviews(c, None, today)?
                .into_iter()
                .map(|o| (o.product.slug.to_string(), o.id))
                .collect(),
        };
        wanted.sort();
        let mut out = Vec::with_capacity(wanted.len());
        for (slug, id) in wanted {
            let mut list = indicators::list(c, id)?;
            // By key, not by id: two databases holding the same data number rows differently.
            list.sort_by(|a, b| a.1.key.as_ref().cmp(b.1.key.as_ref()));
            let mut rows = Vec::new();
            for (indicator_id, indicator) in list {
                for m in measures::series(c, indicator_id, None)? {
                    rows.push(ExportRow {
                        indicator: indicator.key.to_string(),
                        period: m.period,
                        value: m.value,
                        comment: m.comment,
                    });
                }
            }
            out.push(ExportProduct {
                product: slug,
                measures: rows,
            });
        }
        Ok(out)
    })?)
}

/// A comment a spreadsheet would run as a formula gets a leading quote, as the API's
/// `measures.csv` does (OWASP's CSV injection advice).
fn defuse(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// The values of one product (`product`) or of the whole portfolio, as CSV or JSON text
/// that `import_measures` reads back. One product: the API's own shapes (`measures.csv`'s
/// columns, `POST /measures`'s body); the portfolio: a `product` column, or `products` list.
pub fn export_measures(
    conn: &mut DbConnection,
    product: Option<&Slug>,
    format: FileFormat,
    today: NaiveDate,
) -> anyhow::Result<String> {
    let products = collect(conn, product, today)?;
    let portfolio = product.is_none();
    match format {
        FileFormat::Xlsx => Err(Refusal::Usage(
            "l'export ne s'écrit pas en .xlsx : --format csv (que les tableurs ouvrent) ou json"
                .to_owned(),
        )
        .into()),
        FileFormat::Json => {
            // Structs, not `json!` maps: their fields keep this order (product, then measures).
            let mut text = if portfolio {
                serde_json::to_string_pretty(&ExportPortfolio { products })?
            } else {
                let measures = products.into_iter().flat_map(|p| p.measures).collect();
                serde_json::to_string_pretty(&ExportBatch { measures })?
            };
            text.push('\n');
            Ok(text)
        }
        FileFormat::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            let mut header = vec!["indicator", "period", "value", "comment"];
            if portfolio {
                header.insert(0, "product");
            }
            writer.write_record(&header)?;
            for p in &products {
                for m in &p.measures {
                    let period = m.period.to_string();
                    let value = m.value.to_string();
                    let comment = defuse(m.comment.as_deref().unwrap_or(""));
                    let mut record = vec![m.indicator.as_str(), &period, &value, &comment];
                    if portfolio {
                        record.insert(0, &p.product);
                    }
                    writer.write_record(&record)?;
                }
            }
            Ok(String::from_utf8(writer.into_inner()?)?)
        }
    }
}
