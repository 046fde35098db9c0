//! `/produits/{slug}/mesures`: the weekly form, one row per indicator for the chosen week
//! (weekly indicators) and month (monthly ones), saved through the API's own batch code
//! (`service::measures::post_rows`, source `form`): all rows or none. A value that would be
//! flagged as suspect is not saved at once: the form comes back with a warning next to it and
//! a box to tick to confirm (no script needed); confirmed, it is saved and flagged.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use chrono::{NaiveDate, Utc};
use pilote_charts::french;
use pilote_domain::{Indicator, MeasureSource, Period, Periodicity, SUSPECT_WINDOW, Suspicion};
use pilote_store::{
    Database,
    repo::{indicators, measures, products},
};
use serde::Deserialize;

use super::{
    Nav,
    forms::{self, CsrfForm, FieldErrors, Need, PageResult, Problem, SignedIn, form_page},
    redirect,
};
use crate::{
    access::ProductScope,
    db,
    error::ApiError,
    service::measures::{BatchOutcome, RawRow, post_rows, suspects_of},
};

/// One indicator's row of the form.
pub struct FieldRow {
    key: String,
    label: String,
    unit: String,
    period: String,
    value: String,
    comment: String,
    value_error: Option<String>,
    comment_error: Option<String>,
    /// Why the typed value looks suspect, while the form asks for confirmation.
    warning: Option<String>,
}

#[derive(Template)]
#[template(path = "measures.html")]
struct MeasuresPage {
    nav: Nav,
    slug: String,
    name: String,
    /// The chosen week's Monday and month (`YYYY-MM`), as the period form shows them.
    week: String,
    month: String,
    rows: Vec<FieldRow>,
    errors: Vec<Problem>,
    /// Values that would be flagged as suspect: saving them needs the confirmation box.
    warnings: Vec<Problem>,
    success: Option<String>,
}

/// `?semaine=YYYY-MM-DD&mois=YYYY-MM`, and the counts of a save just made.
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    semaine: Option<String>,
    mois: Option<String>,
    cree: Option<u64>,
    modifie: Option<u64>,
    inchange: Option<u64>,
    suspecte: Option<u64>,
}

/// The chosen week and month; each defaults to the last complete one (an unreadable date
/// too: the form then shows the default rather than an error page).
fn periods(semaine: Option<&str>, mois: Option<&str>, today: NaiveDate) -> (Period, Period) {
    let week = semaine
        .and_then(|s| s.trim().parse::<NaiveDate>().ok())
        .map_or_else(
            || Period::last_complete(Periodicity::Week, today),
            |d| Period::containing(Periodicity::Week, d),
        );
    let month = mois
        .map(str::trim)
        .and_then(|m| {
            m.parse::<NaiveDate>()
                .or_else(|_| format!("{m}-01").parse::<NaiveDate>())
                .ok()
        })
        .map_or_else(
            || Period::last_complete(Periodicity::Month, today),
            |d| Period::containing(Periodicity::Month, d),
        );
    (week, month)
}

/// The product's name and, per indicator, its period and what is stored for it.
type Known = (
    String,
    Vec<(Indicator, Period, Option<(f64, Option<String>)>)>,
);

async fn known(
    db: &web::Data<Database>,
    scope: &ProductScope,
    week: Period,
    month: Period,
) -> Result<Known, ApiError> {
    let slug = scope.slug.clone();
    let product = scope.id;
    db::read(db, move |c| {
        let name = products::find(c, &slug)?.1.name;
        let mut rows = Vec::new();
        for (id, indicator) in indicators::list(c, product)? {
            let period = match indicator.periodicity {
                Periodicity::Week => week,
                Periodicity::Month => month,
            };
            let current = measures::history(c, id, period)?
                .into_iter()
                .next()
                .map(|m| (m.value, m.comment));
            rows.push((indicator, period, current));
        }
        Ok((name, rows))
    })
    .await
}

/// What the form shows above its fields.
enum Feedback<'a> {
    /// Nothing: a fresh form.
    None,
    /// A save just made, in words.
    Saved(String),
    /// A refused post: what was typed, and what is wrong with it.
    Refused(&'a HashMap<String, String>, Vec<Problem>),
    /// A post held back: what was typed, and which values look suspect.
    Suspect(&'a HashMap<String, String>, Vec<Problem>),
}

/// Renders the form, pre-filled with what is stored or, after a refused post, what was typed.
async fn page(
    db: &web::Data<Database>,
    user: &SignedIn,
    scope: &ProductScope,
    (week, month): (Period, Period),
    feedback: Feedback<'_>,
) -> PageResult {
    let (typed, errors, warnings, success) = match feedback {
        Feedback::None => (None, Vec::new(), Vec::new(), None),
        Feedback::Saved(message) => (None, Vec::new(), Vec::new(), Some(message)),
        Feedback::Refused(typed, errors) => (Some(typed), errors, Vec::new(), None),
        Feedback::Suspect(typed, warnings) => (Some(typed), Vec::new(), warnings, None),
    };
    let (name, known) = known(db, scope, week, month).await?;
    let error_of = |id: &str| {
        errors
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.message.clone())
    };
    let rows = known
        .into_iter()
        .map(|(indicator, period, current)| {
            let key = indicator.key.to_string();
            let (stored_value, stored_comment) = current.map_or_else(
                || (String::new(), String::new()),
                |(v, c)| (french::decimal(v), c.unwrap_or_default()),
            );
            let typed_field = |field: &str| typed.and_then(|t| t.get(&format!("{field}-{key}")));
            FieldRow {
                value: typed_field("valeur").cloned().unwrap_or(stored_value),
                comment: typed_field("commentaire")
                    .cloned()
                    .unwrap_or(stored_comment),
                value_error: error_of(&format!("valeur-{key}")),
                comment_error: error_of(&format!("commentaire-{key}")),
                warning: warnings
                    .iter()
                    .find(|w| w.id == format!("valeur-{key}"))
                    .map(|w| w.message.clone()),
                period: french::period(period),
                label: indicator.label,
                unit: indicator.unit,
                key,
            }
        })
        .collect();
    let refused = FieldErrors::from(errors.clone());
    Ok(form_page(
        &MeasuresPage {
            nav: user.nav.clone(),
            slug: scope.slug.to_string(),
            name,
            week: week.start().to_string(),
            month: month.start().format("%Y-%m").to_string(),
            rows,
            errors,
            warnings,
            success,
        },
        &refused,
    ))
}

/// The weekly form.
#[get("/produits/{slug}/mesures")]
pub async fn show(
    user: SignedIn,
    db: web::Data<Database>,
    path: web::Path<String>,
    query: web::Query<PeriodQuery>,
) -> PageResult {
    let scope = user.product(&db, &path, Need::Contribute).await?;
    let today = Utc::now().date_naive();
    let chosen = periods(query.semaine.as_deref(), query.mois.as_deref(), today);
    let feedback = match (query.cree, query.modifie, query.inchange) {
        (Some(c), Some(m), Some(i)) => {
            let mut message = saved_message(c, m, i);
            if let Some(n) = query.suspecte.filter(|n| *n > 0) {
                let n = usize::try_from(n).unwrap_or(usize::MAX);
                message.push_str(&format!(
                    " {} comme {} : à vérifier.",
                    french::plural(n, "valeur signalée", "valeurs signalées"),
                    if n == 1 { "suspecte" } else { "suspectes" },
                ));
            }
            Feedback::Saved(message)
        }
        _ => Feedback::None,
    };
    page(&db, &user, &scope, chosen, feedback).await
}

/// "Enregistré : 2 valeurs créées, 1 modifiée, 0 inchangée."
pub fn saved_message(created: u64, updated: u64, unchanged: u64) -> String {
    let n = |count: u64, one: &str, many: &str| {
        let count = usize::try_from(count).unwrap_or(usize::MAX);
        french::plural(count, one, many)
    };
    format!(
        "Enregistré : {}, {}, {}.",
        n(created, "valeur créée", "valeurs créées"),
        n(updated, "modifiée", "modifiées"),
        n(unchanged, "inchangée", "inchangées"),
    )
}

/// Where to go after a save: the form again, with what the save did.
pub fn after_save(slug: &str, query: &str, outcome: &BatchOutcome) -> HttpResponse {
    redirect(&format!(
        "/produits/{slug}/mesures?{query}cree={}&modifie={}&inchange={}&suspecte={}",
        outcome.created,
        outcome.updated,
        outcome.unchanged,
        outcome.warnings.len()
    ))
}

/// Saves the form: every typed value, or none if any is wrong (the errors then shown next to
/// their fields and summarised at the top, 422).
#[post("/produits/{slug}/mesures")]
pub async fn save(
    CsrfForm { user, fields: form }: CsrfForm<HashMap<String, String>>,
    db: web::Data<Database>,
    path: web::Path<String>,
) -> PageResult {
    let scope = user.product(&db, &path, Need::Contribute).await?;
    let principal = user.principal();
    let today = Utc::now().date_naive();
    let field = |name: &str| form.get(name).map(String::as_str);
    let chosen = periods(field("semaine"), field("mois"), today);
    let (_, known) = known(&db, &scope, chosen.0, chosen.1).await?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut labels = HashMap::new();
    for (indicator, period, _) in &known {
        let key = indicator.key.to_string();
        labels.insert(key.clone(), indicator.label.clone());
        let value = field(&format!("valeur-{key}")).unwrap_or("").trim();
        let comment = field(&format!("commentaire-{key}")).unwrap_or("").trim();
        let problem = |message: &str| Problem {
            id: format!("valeur-{key}"),
            label: indicator.label.clone(),
            message: message.to_owned(),
        };
        if value.is_empty() {
            // An empty row is left as it is; a comment alone has nothing to annotate.
            if !comment.is_empty() {
                errors.push(problem(
                    "Saisissez une valeur pour enregistrer ce commentaire.",
                ));
            }
            continue;
        }
        let Some(number) = forms::parse_decimal(value) else {
            errors.push(problem("Saisissez un nombre, par exemple 12,5."));
            continue;
        };
        rows.push(RawRow {
            field: key,
            indicator: indicator.key.to_string(),
            period: period.start(),
            value: number,
            comment: (!comment.is_empty()).then(|| comment.to_owned()),
        });
    }
    if errors.is_empty()
        && rows.is_empty()
        && let Some((indicator, _, _)) = known.first()
    {
        errors.push(Problem {
            id: format!("valeur-{}", indicator.key),
            label: indicator.label.clone(),
            message: "Aucune valeur saisie : rien n'a été enregistré.".to_owned(),
        });
    }
    let confirmed = field("confirmer") == Some("oui");
    if errors.is_empty() && !confirmed {
        match suspects_of(&db, &principal, scope.clone(), rows.clone()).await {
            Ok(found) if !found.is_empty() => {
                let warnings = found
                    .iter()
                    .map(|(key, suspicion)| Problem {
                        id: format!("valeur-{key}"),
                        label: labels.get(key).cloned().unwrap_or_else(|| key.clone()),
                        message: french_suspicion(suspicion),
                    })
                    .collect();
                let feedback = Feedback::Suspect(&form, warnings);
                return page(&db, &user, &scope, chosen, feedback).await;
            }
            // Rows the batch would refuse are reported by the save below, as ever.
            Ok(_) | Err(ApiError::InvalidMany(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    if errors.is_empty() {
        match post_rows(&db, &principal, scope.clone(), rows, MeasureSource::Form).await {
            Ok(outcome) => {
                let query = format!(
                    "semaine={}&mois={}&",
                    chosen.0.start(),
                    chosen.1.start().format("%Y-%m")
                );
                return Ok(after_save(scope.slug.as_ref(), &query, &outcome));
            }
            Err(ApiError::InvalidMany(problems)) => {
                errors = row_problems(&problems, &labels);
            }
            Err(e) => return Err(e.into()),
        }
    }
    let feedback = Feedback::Refused(&form, errors);
    page(&db, &user, &scope, chosen, feedback).await
}

/// The batch's problems (`{key}.value`, `{key}.comment`, `{key}.period`) on the form's fields.
fn row_problems(
    problems: &[(String, pilote_domain::Problem)],
    labels: &HashMap<String, String>,
) -> Vec<Problem> {
    problems
        .iter()
        .map(|(field, problem)| {
            let (key, part) = field.split_once('.').unwrap_or((field, "value"));
            let input = if part == "comment" {
                "commentaire"
            } else {
                "valeur"
            };
            Problem {
                id: format!("{input}-{key}"),
                label: labels.get(key).cloned().unwrap_or_else(|| key.to_owned()),
                message: problem.french(),
            }
        })
        .collect()
}

/// Why a value looks suspect, in French, for the confirmation step.
fn french_suspicion(suspicion: &Suspicion) -> String {
    match *suspicion {
        Suspicion::FarFromMedian {
            median, deviations, ..
        } => format!(
            "Valeur très éloignée des {SUSPECT_WINDOW} périodes précédentes (médiane {}, écart de \
             {} fois l'écart absolu médian) : vérifiez-la.",
            french::decimal(median),
            format!("{deviations:.1}").replace('.', ","),
        ),
        Suspicion::SignChange => format!(
            "Le signe de cette valeur est l'inverse de celui des {SUSPECT_WINDOW} périodes \
             précédentes : vérifiez-la."
        ),
    }
}
