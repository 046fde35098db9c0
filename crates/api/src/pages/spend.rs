//! `/produits/{slug}/depenses`: a product's monthly spend, month by month in a table to fill,
//! or pasted from a spreadsheet (two columns: month, amount). The product's team, its
//! incubator's managers and admins, through the same service as
//! `POST /api/v1/products/{slug}/spend`: every month all or none, each change audited.

use std::collections::{BTreeMap, HashMap};

use actix_web::{get, post, web};
use askama::Template;
use chrono::{Datelike, Months, NaiveDate, Utc};
use pilote_charts::french;
use pilote_domain::{Period, Periodicity, Spend, not_in_future};
use pilote_store::{
    Database,
    repo::{
        contracts, products,
        spend::{self, SpendChange},
    },
};
use serde::Deserialize;

use super::{
    Nav,
    forms::{CsrfForm, FieldErrors, Need, PageResult, SignedIn, form_page, parse_euros},
    product_nav::{ProductNav, Tab, Visit},
    redirect,
};
use crate::{access::ProductScope, db, service};

/// At most this many months in the table (ten years): older ones go through the CSV paste.
const MAX_MONTHS: u32 = 120;

/// One month of the table.
struct MonthRow {
    id: String,
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "spend.html")]
struct SpendPage {
    nav: Nav,
    product_nav: ProductNav,
    slug: String,
    name: String,
    months: Vec<MonthRow>,
    total: String,
    csv: String,
    /// What the last save did, after its redirect.
    saved: Option<String>,
    errors: FieldErrors,
}

/// A month's field: `mois-2026-03`.
fn month_id(month: NaiveDate) -> String {
    format!("mois-{}", month.format("%Y-%m"))
}

fn month_label(month: NaiveDate) -> String {
    let name = french::month(month);
    let mut chars = name.chars();
    let capital: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    format!("{capital}{} {}", chars.as_str(), month.year())
}

fn first_of(day: NaiveDate) -> NaiveDate {
    Period::containing(Periodicity::Month, day).start()
}

/// The months of the table, oldest first: from the contract's start or the first month with
/// spend (a year back at least) to this month.
fn months(stored: &[Spend], contract_start: Option<NaiveDate>, today: NaiveDate) -> Vec<NaiveDate> {
    let this = first_of(today);
    let floor = this - Months::new(MAX_MONTHS - 1);
    let mut first = this - Months::new(11);
    for candidate in stored
        .first()
        .map(|s| s.month)
        .into_iter()
        .chain(contract_start)
    {
        first = first.min(first_of(candidate));
    }
    let mut month = first.max(floor);
    let mut all = Vec::new();
    while month <= this {
        all.push(month);
        month = month + Months::new(1);
    }
    all
}

/// What the query of the redirect after a save says.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Saved {
    crees: String,
    modifies: String,
    inchanges: String,
}

impl Saved {
    /// The sentence, when the three counts are numbers (a hand-typed query shows none).
    fn sentence(&self) -> Option<String> {
        let count = |text: &str| text.parse::<usize>().ok();
        let (created, updated, same) = (
            count(&self.crees)?,
            count(&self.modifies)?,
            count(&self.inchanges)?,
        );
        Some(format!(
            "Enregistré : {}, {}, {}.",
            french::plural(created, "mois créé", "mois créés"),
            french::plural(updated, "modifié", "modifiés"),
            french::plural(same, "inchangé", "inchangés"),
        ))
    }
}

async fn page(
    db: &web::Data<Database>,
    visit: Visit,
    typed: &HashMap<String, String>,
    (csv, saved): (String, Option<String>),
    errors: FieldErrors,
) -> PageResult {
    let product = visit.scope.id;
    let (name, stored, contract) = db::read(db, move |c| {
        Ok((
            products::get(c, product)?.name,
            spend::list(c, product)?,
            contracts::find(c, product)?,
        ))
    })
    .await?;
    let today = Utc::now().date_naive();
    let amounts: BTreeMap<NaiveDate, i64> = stored.iter().map(|s| (s.month, s.amount)).collect();
    let months = months(&stored, contract.map(|(_, c)| c.starts_on), today)
        .into_iter()
        .map(|month| {
            let id = month_id(month);
            let value = typed.get(&id).cloned().unwrap_or_else(|| {
                amounts
                    .get(&month)
                    .map_or_else(String::new, ToString::to_string)
            });
            MonthRow {
                label: month_label(month),
                id,
                value,
            }
        })
        .collect();
    let total: i64 = amounts.values().sum();
    let page = SpendPage {
        product_nav: visit.product_nav(&name, Tab::Contract, "Dépenses"),
        nav: visit.nav,
        slug: visit.scope.slug.to_string(),
        name,
        months,
        total: format!("{}\u{A0}€", french::number(total as f64, 0)),
        csv,
        saved,
        errors,
    };
    Ok(form_page(&page, &page.errors))
}

/// The table of months, filled with what is stored.
#[get("/produits/{slug}/depenses")]
pub async fn show(
    user: SignedIn,
    db: web::Data<Database>,
    slug: web::Path<String>,
    saved: web::Query<Saved>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Contribute).await?;
    let saved = saved.sentence();
    let none = (String::new(), saved);
    page(
        &db,
        Visit::new(user, scope),
        &HashMap::new(),
        none,
        FieldErrors::default(),
    )
    .await
}

/// Records `entries`, then back to the table with what it did; the refusal on `field`
/// otherwise (the checks before make it rare: a month begun since the page was drawn, say).
async fn record(
    db: &web::Data<Database>,
    user: &SignedIn,
    scope: &ProductScope,
    entries: Vec<Spend>,
    field: (&str, &str),
    errors: &mut FieldErrors,
) -> Result<Option<actix_web::HttpResponse>, super::forms::PageError> {
    match service::spend::record(db, &user.principal(), scope, entries).await {
        Ok(done) => {
            let count = |change: SpendChange| done.iter().filter(|(_, c)| *c == change).count();
            let location = format!(
                "/produits/{}/depenses?crees={}&modifies={}&inchanges={}",
                scope.slug,
                count(SpendChange::Created),
                count(SpendChange::Updated),
                count(SpendChange::Unchanged)
            );
            Ok(Some(redirect(&location)))
        }
        Err(refused) => {
            errors.refused(refused, &[field])?;
            Ok(None)
        }
    }
}

/// Saves the months filled in the table (an empty one is left as it is), all or none.
#[post("/produits/{slug}/depenses")]
pub async fn save(
    CsrfForm { user, fields: form }: CsrfForm<HashMap<String, String>>,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Contribute).await?;
    let today = Utc::now().date_naive();
    let mut errors = FieldErrors::default();
    let mut entries = Vec::new();
    let mut typed: Vec<_> = form.iter().collect();
    typed.sort();
    for (id, text) in typed {
        let Some(month) = id
            .strip_prefix("mois-")
            .and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
        else {
            continue;
        };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let label = format!("Dépense de {}", month_label(month).to_lowercase());
        let Some(amount) = parse_euros(text) else {
            errors.add(
                id,
                &label,
                "Saisissez un montant en euros entiers, par exemple 12 000.",
            );
            continue;
        };
        if errors
            .check(id, &label, not_in_future("month", month, today))
            .is_some()
        {
            entries.push(Spend { month, amount });
        }
    }
    if errors.is_empty() && !entries.is_empty() {
        let first = entries
            .first()
            .map(|e| month_id(e.month))
            .unwrap_or_default();
        let field = (first.as_str(), "Dépenses");
        if let Some(done) = record(&db, &user, &scope, entries, field, &mut errors).await? {
            return Ok(done);
        }
    }
    page(
        &db,
        Visit::new(user, scope),
        &form,
        (String::new(), None),
        errors,
    )
    .await
}

/// The paste's one field.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasteForm {
    csv: String,
}

/// A month as a spreadsheet writes it: `2026-03`, `2026-03-01`, `03/2026` or `01/03/2026`.
fn parse_month(text: &str) -> Option<NaiveDate> {
    let text = text.trim().trim_matches('"');
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d"))
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .or_else(|_| NaiveDate::parse_from_str(&format!("01/{text}"), "%d/%m/%Y"))
        .ok()?;
    Some(first_of(day))
}

/// The lines of a paste: one month and its amount per line, separated by a tab (a
/// spreadsheet's copy), `;` or `,`; a first line that names the columns is skipped. Every
/// line at fault is said, by its number.
fn parse_paste(text: &str, today: NaiveDate) -> Result<Vec<Spend>, Vec<String>> {
    let mut entries: Vec<Spend> = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let cells = ['\t', ';', ',']
            .into_iter()
            .find_map(|sep| line.split_once(sep));
        let Some((month, amount)) = cells else {
            problems.push(format!(
                "ligne {number} : deux colonnes attendues, le mois et le montant"
            ));
            continue;
        };
        let Some(month) = parse_month(month) else {
            // A heading: a first line whose month is not one, with letters in it.
            if number == 1 && month.chars().any(char::is_alphabetic) {
                continue;
            }
            problems.push(format!(
                "ligne {number} : mois illisible, écrivez-le 2026-03 ou 03/2026"
            ));
            continue;
        };
        let Some(amount) = parse_euros(amount.trim().trim_matches('"')) else {
            problems.push(format!(
                "ligne {number} : montant illisible, en euros entiers, positif ou nul"
            ));
            continue;
        };
        if let Err(e) = not_in_future("month", month, today) {
            problems.push(format!("ligne {number} : {}", e.french()));
        } else if entries.iter().any(|e| e.month == month) {
            problems.push(format!(
                "ligne {number} : le mois de {} figure déjà plus haut",
                month_label(month).to_lowercase()
            ));
        } else {
            entries.push(Spend { month, amount });
        }
    }
    if entries.is_empty() && problems.is_empty() {
        problems.push("collez au moins une ligne : le mois et le montant".to_owned());
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    }
}

/// Saves the months pasted, all or none; the lines at fault otherwise, nothing written.
#[post("/produits/{slug}/depenses/coller")]
pub async fn paste(
    CsrfForm { user, fields: form }: CsrfForm<PasteForm>,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &slug, Need::Contribute).await?;
    let mut errors = FieldErrors::default();
    let field = ("csv", "Dépenses collées");
    match parse_paste(&form.csv, Utc::now().date_naive()) {
        Ok(entries) => {
            if let Some(done) = record(&db, &user, &scope, entries, field, &mut errors).await? {
                return Ok(done);
            }
        }
        Err(problems) => errors.add(field.0, field.1, format!("{}.", problems.join(" ; "))),
    }
    let typed = (form.csv, None);
    page(&db, Visit::new(user, scope), &HashMap::new(), typed, errors).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn a_spreadsheet_paste_is_read_line_by_line() {
        let today = day("2026-12-04");
        let pasted = "mois;montant\n2026-01;12 000\n02/2026\t13000\n\n2026-03-15,0\n";
        let entries = parse_paste(pasted, today).expect("read");
        let months: Vec<_> = entries
            .iter()
            .map(|e| (e.month.to_string(), e.amount))
            .collect();
        assert_eq!(
            months,
            [
                ("2026-01-01".to_owned(), 12_000),
                ("2026-02-01".to_owned(), 13_000),
                ("2026-03-01".to_owned(), 0)
            ]
        );
        let bad = parse_paste(
            "2026-01;-5\njanvier;3\n2027-01;4\n2026-02;1\n2026-02;2",
            today,
        )
        .expect_err("refused");
        assert_eq!(bad.len(), 4, "{bad:?}");
        assert!(bad[0].starts_with("ligne 1 : montant"));
        assert!(bad[1].starts_with("ligne 2 : mois"));
        assert!(bad[2].starts_with("ligne 3 : "));
        assert!(bad[3].starts_with("ligne 5 : le mois de février 2026"));
    }

    #[test]
    fn the_table_runs_from_the_contract_or_a_year_back_to_this_month() {
        let today = day("2026-12-04");
        let year = months(&[], None, today);
        assert_eq!((year[0], year.len()), (day("2026-01-01"), 12));
        let contract = months(&[], Some(day("2025-01-06")), today);
        assert_eq!((contract[0], contract.len()), (day("2025-01-01"), 24));
        let old = [Spend {
            month: day("2001-01-01"),
            amount: 1,
        }];
        assert_eq!(months(&old, None, today).len(), MAX_MONTHS as usize);
    }
}
