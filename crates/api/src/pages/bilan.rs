//! `/bilan?annee=&incubateur=`: the year's results of the portfolio or of one incubator, the
//! figures beta.gouv reports each year, each with the products it counts. Read by anyone who
//! may read the portfolio; the same figures as `GET /api/v1/portfolio/bilan`.

use actix_web::{get, web};
use askama::Template;
use chrono::{Datelike, Utc};
use pilote_charts::french;
use pilote_domain::{
    BilanYear, Counted, Detail, FIRST_BILAN_YEAR, OBJECTIVES_REACHED_SHARE, Slug, access::Action,
};
use pilote_store::{Database, repo::incubators};
use serde::Deserialize;

use super::{
    Nav,
    forms::{Choice, PageResult, SignedIn},
};
use crate::{access, db, service::bilan};

/// `?annee=&incubateur=`; empty or unknown values mean the current year and every incubator:
/// these are filters, not a form to refuse.
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    annee: Option<String>,
    incubateur: Option<String>,
}

/// One figure: its name, its value in French, what it counts, and the products behind it.
struct Figure {
    id: &'static str,
    title: &'static str,
    value: String,
    explanation: String,
    /// The column heading of each product's own value.
    detail_heading: &'static str,
    products: Vec<Line>,
}

/// A product a figure counts.
struct Line {
    slug: String,
    name: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "bilan.html")]
struct BilanPage {
    nav: Nav,
    year: i32,
    scope: String,
    at: String,
    years: Vec<Choice>,
    incubators: Vec<Choice>,
    figures: Vec<Figure>,
}

fn lines(list: &[Counted]) -> Vec<Line> {
    list.iter()
        .map(|c| Line {
            slug: c.slug.to_string(),
            name: c.name.clone(),
            detail: match c.detail {
                Detail::On(on) => french::date(on),
                Detail::Objectives { achieved, due } => format!("{achieved} sur {due}"),
                Detail::Cost(cost) => format!("{} €", french::number(cost, 2)),
            },
        })
        .collect()
}

fn count(list: &[Counted], one: &str, many: &str) -> Figure {
    Figure {
        id: "",
        title: "",
        value: list.len().to_string(),
        explanation: french::plural(list.len(), one, many),
        detail_heading: "Date",
        products: lines(list),
    }
}

/// The bilan page; anonymous visitors go to `/connexion`.
#[get("/bilan")]
pub async fn bilan_page(
    user: SignedIn,
    db: web::Data<Database>,
    filters: web::Query<Filters>,
) -> PageResult {
    access::require(&user.user.user, Action::Read)?;
    let today = Utc::now().date_naive();
    let filters = filters.into_inner();
    let year = filters
        .annee
        .and_then(|y| y.trim().parse::<i32>().ok())
        .and_then(|y| BilanYear::new(y, today).ok())
        .map_or_else(|| BilanYear::new(today.year(), today), Ok)?;
    let all = db::read(&db, incubators::list).await?;
    let incubator = filters
        .incubateur
        .and_then(|s| Slug::parse(s.trim()).ok())
        .and_then(|s| {
            all.iter()
                .find(|(_, i)| i.slug == s)
                .map(|(_, i)| i.clone())
        });
    let results =
        bilan::of_year(&db, incubator.as_ref().map(|i| i.slug.clone()), year, today).await?;
    let chosen = incubator
        .as_ref()
        .map(|i| i.slug.to_string())
        .unwrap_or_default();
    let objectives_share = results
        .objectives_reached_share()
        .map_or_else(|| "—".to_owned(), french::share);
    let figures = vec![
        Figure {
            id: "investigations-ouvertes",
            title: "Investigations ouvertes",
            ..count(
                &results.investigations_opened,
                "produit entré pour la première fois en investigation dans l'année",
                "produits entrés pour la première fois en investigation dans l'année",
            )
        },
        Figure {
            id: "investigations-arretees",
            title: "Investigations arrêtées",
            ..count(
                &results.investigations_stopped,
                "produit arrêté pendant son investigation",
                "produits arrêtés pendant leur investigation",
            )
        },
        Figure {
            id: "lancements",
            title: "Produits lancés",
            ..count(
                &results.launched,
                "produit entré en construction dans l'année",
                "produits entrés en construction dans l'année",
            )
        },
        Figure {
            id: "objectifs",
            title: "Produits atteignant leurs objectifs",
            value: objectives_share,
            explanation: format!(
                "{} sur {} ayant des objectifs à échéance dans l'année en ont atteint au moins {}",
                results.objectives_reached.len(),
                french::plural(results.with_objectives_due.len(), "produit", "produits"),
                french::share(OBJECTIVES_REACHED_SHARE),
            ),
            detail_heading: "Objectifs atteints",
            products: lines(&results.with_objectives_due),
        },
        Figure {
            id: "impact-national",
            title: "Services à impact national",
            ..count(
                &results.national_impact,
                "matrice validée comme service à impact national dans l'année",
                "matrices validées comme services à impact national dans l'année",
            )
        },
        Figure {
            id: "cout-par-usager",
            title: "Coût médian par usager actif",
            value: results
                .median_cost_per_active_user
                .map_or_else(|| "—".to_owned(), |c| format!("{} €", french::number(c, 2))),
            explanation: format!(
                "budget des douze mois ÷ usagers actifs mensuels moyens, médiane sur {}",
                french::plural(results.costed.len(), "produit", "produits")
            ),
            detail_heading: "Coût par usager actif",
            products: lines(&results.costed),
        },
    ];
    let page = BilanPage {
        nav: user.nav,
        year: results.year,
        scope: incubator.map_or_else(|| "tout le portefeuille".to_owned(), |i| i.name),
        at: french::date(results.at),
        years: Choice::list(
            (FIRST_BILAN_YEAR..=today.year())
                .rev()
                .map(|y| (y.to_string(), y.to_string())),
            &results.year.to_string(),
        ),
        incubators: Choice::list(
            all.into_iter().map(|(_, i)| (i.slug.to_string(), i.name)),
            &chosen,
        ),
        figures,
    };
    Ok(super::render(&page))
}
