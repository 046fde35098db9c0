//! `/produits/{slug}/indicateurs/{key}/mesures/{period}/historique`: one value's history — every
//! version of a period's value, newest first, each with who posted it, when, from where (form,
//! CSV file, API, import), the value it replaced, and whether it is flagged as suspect. Read by
//! whoever may read the product's measures (as `GET …/measures/{period}/history` of the API);
//! the team gets the confirmation form of a suspect current value. Linked from the product
//! page (each latest value, each value to check) and from the weekly form (each stored value).

use actix_web::{get, web};
use askama::Template;
use pilote_charts::french;
use pilote_domain::Period;
use pilote_store::{
    Database,
    repo::{indicators, measures, products},
};

use super::{
    Nav,
    forms::{PageResult, SignedIn},
    journal,
    product_nav::{ProductNav, Tab},
};
use crate::{access, db, service::scope};

/// One version of the value.
struct Version {
    recorded: String,
    who: String,
    value: String,
    /// The value this version replaced, if it replaced one.
    replaced: Option<String>,
    comment: String,
    source: &'static str,
    /// « valeur actuelle », or when a later post replaced it.
    state: String,
    suspect: bool,
}

#[derive(Template)]
#[template(path = "measure_history.html")]
struct HistoryPage {
    nav: Nav,
    product_nav: ProductNav,
    slug: String,
    name: String,
    key: String,
    label: String,
    /// « semaine du 16 novembre 2026 », « novembre 2026 ».
    period: String,
    /// The period's first day, as the routes take it.
    period_start: String,
    /// Newest first.
    versions: Vec<Version>,
    /// The current value is flagged and the visitor may clear it: the form's CSRF token.
    confirm: Option<String>,
}

/// A value with its unit, the French way.
fn with_unit(value: f64, unit: &str) -> String {
    let n = french::number_auto(value);
    match unit.trim() {
        "" => n,
        unit => format!("{n}\u{A0}{unit}"),
    }
}

/// The history page.
#[get("/produits/{slug}/indicateurs/{key}/mesures/{period}/historique")]
pub async fn page(
    user: SignedIn,
    db: web::Data<Database>,
    path: web::Path<(String, String, String)>,
) -> PageResult {
    let (slug, key, period) = path.into_inner();
    let product = scope::scope_of(&db, &slug).await?;
    access::measures_reader(&user.principal(), &product)?;
    let may_confirm = access::require(&user.user.user, product.contribute()).is_ok();
    let date = scope::period_date(&period)?;
    let key = scope::slug(&key, "indicator")?;
    let id = product.id;
    let (name, indicator, period, versions, names) = db::read(&db, move |c| {
        let name = products::get(c, id)?.name;
        let (indicator_id, indicator) = indicators::find(c, id, &key)?;
        let period = Period::containing(indicator.periodicity, date);
        let versions = measures::history(c, indicator_id, period)?;
        let actors: Vec<String> = versions.iter().map(|v| v.author.to_string()).collect();
        let names = journal::names(c, actors.iter().map(String::as_str))?;
        Ok((name, indicator, period, versions, names))
    })
    .await?;
    let unit = indicator.unit.clone();
    let shown: Vec<Version> = versions
        .iter()
        .enumerate()
        .map(|(i, v)| Version {
            recorded: french::moment(v.recorded_at),
            who: journal::who(&v.author.to_string(), &names),
            value: with_unit(v.value, &unit),
            replaced: versions
                .get(i + 1)
                .map(|older| with_unit(older.value, &unit)),
            comment: v.comment.clone().unwrap_or_default(),
            source: v.source.label_fr(),
            state: v.replaced_at.map_or_else(
                || "valeur actuelle".to_owned(),
                |at| format!("remplacée le {}", french::moment(at)),
            ),
            suspect: v.suspect,
        })
        .collect();
    let flagged = versions.first().is_some_and(|v| v.suspect);
    let page = HistoryPage {
        confirm: (flagged && may_confirm).then(|| user.nav.csrf.clone()),
        product_nav: ProductNav::new(
            &user.user.user,
            &product,
            &name,
            Tab::Sheet,
            Some(&format!("Historique de la valeur ({})", indicator.label)),
        ),
        nav: user.nav,
        slug: product.slug.to_string(),
        name,
        key: indicator.key.to_string(),
        label: indicator.label,
        period: french::period(period),
        period_start: period.start().to_string(),
        versions: shown,
    };
    Ok(super::render(&page))
}
