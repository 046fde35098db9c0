//! Reading the « matrice d'impact »: a product's and the portfolio's, filtered and sorted.
//! The JSON routes and the matrix pages share it; the computation is the domain's
//! (`pilote_domain::matrix`, `matrix_portfolio`), the rules in `docs/impact.md`.

use actix_web::web;
use chrono::NaiveDate;
use pilote_domain::{
    Certification, DomainResult, Matrix, MatrixSort, MatrixSummary, Phase, ProductStatus,
    SortOrder, access::Action, completeness_counts, sort_matrix_rows, summarize_matrix,
};
use pilote_store::{
    Database,
    repo::{
        matrix, matrix_certification, matrix_portfolio,
        products::{self, ProductOverview},
        sheets,
    },
};

use crate::{access, auth::Principal, db, error::ApiError, service::scope};

/// A product's matrix at a date, with its name and its certification level as it stands now.
pub struct ProductMatrix {
    pub name: String,
    pub matrix: Matrix,
    pub certification: Option<Certification>,
}

/// The matrix of the product `slug` at `at`: any signed-in person (403 for an API token).
pub async fn of_product(
    db: &web::Data<Database>,
    principal: &Principal,
    slug: &str,
    at: NaiveDate,
) -> Result<ProductMatrix, ApiError> {
    access::person_allowed(principal, Action::Read)?;
    let scope = scope::scope_of(db, slug).await?;
    db::read(db, move |c| {
        Ok(ProductMatrix {
            name: products::get(c, scope.id)?.name,
            matrix: matrix::at(c, scope.id, at)?,
            certification: matrix_certification::get(c, scope.id)?,
        })
    })
    .await
}

/// What the portfolio's matrix is narrowed to and sorted by, as a caller typed it (`None`:
/// every incubator, every running phase, least complete first).
#[derive(Clone, Debug, Default)]
pub struct PortfolioQuery {
    pub incubator: Option<String>,
    pub phase: Option<String>,
    /// A thematique of the product sheet (accents and case ignored).
    pub thematique: Option<String>,
    pub sort: Option<String>,
    pub order: Option<String>,
}

/// One running product's matrix and its summary.
pub struct PortfolioRow {
    pub overview: ProductOverview,
    pub matrix: Matrix,
    pub summary: MatrixSummary,
    pub certification: Option<Certification>,
}

/// The portfolio's matrix at a date: its rows sorted, the counts of complete and incomplete
/// matrices, the sort applied.
pub struct PortfolioMatrix {
    pub at: NaiveDate,
    pub complete: usize,
    pub incomplete: usize,
    pub sort: MatrixSort,
    pub order: SortOrder,
    pub rows: Vec<PortfolioRow>,
}

/// An optional choice among `names`, 422 naming `field` otherwise.
fn choice<T>(
    value: Option<&str>,
    field: &str,
    parse: fn(&str) -> DomainResult<T>,
    names: &[&str],
) -> Result<Option<T>, ApiError> {
    value
        .map(|v| {
            parse(v).map_err(|_| ApiError::Invalid {
                field: field.to_owned(),
                problem: format!("unknown {field} {v:?}: must be one of {}", names.join(", ")),
            })
        })
        .transpose()
}

/// Every running product's matrix at `at` (stopped products have none to keep up to date),
/// narrowed and sorted as `query` says: any signed-in person. An unknown sort, order or
/// phase is 422, an incubator that cannot be a slug 404.
pub async fn portfolio(
    db: &web::Data<Database>,
    principal: &Principal,
    query: PortfolioQuery,
    at: NaiveDate,
) -> Result<PortfolioMatrix, ApiError> {
    access::person_allowed(principal, Action::Read)?;
    let sort_names = MatrixSort::ALL.map(MatrixSort::as_str);
    let sort = choice(
        query.sort.as_deref(),
        "sort",
        MatrixSort::parse,
        &sort_names,
    )?
    .unwrap_or(MatrixSort::Completeness);
    let order = choice(
        query.order.as_deref(),
        "order",
        SortOrder::parse,
        &["asc", "desc"],
    )?
    .unwrap_or(SortOrder::Asc);
    // Only running products have a row: `stopped` is not a choice here.
    let phase_names = Phase::ALL.map(Phase::as_str);
    let phase = choice(query.phase.as_deref(), "phase", Phase::parse, &phase_names)?;
    let incubator = query
        .incubator
        .as_deref()
        .map(|s| scope::slug(s, "incubator"))
        .transpose()?;
    let cache = db.matrix_cache();
    let thematique = query.thematique.filter(|t| !t.trim().is_empty());
    let (overviews, mut matrices, certifications) = db::read(db, move |c| {
        let with = match thematique {
            Some(t) => Some(sheets::with_thematique(c, &t)?),
            None => None,
        };
        let overviews: Vec<_> = products::overviews(c, incubator.as_ref(), at)?
            .into_iter()
            .filter(|o| o.status != ProductStatus::Stopped)
            .filter(|o| phase.is_none_or(|p| o.status == ProductStatus::Active(p)))
            .filter(|o| with.as_ref().is_none_or(|ids| ids.contains(&o.id)))
            .collect();
        let ids: Vec<_> = overviews.iter().map(|o| o.id).collect();
        let matrices = matrix_portfolio::of_products_cached(c, &cache, &ids, at)?;
        Ok((overviews, matrices, matrix_certification::all(c)?))
    })
    .await?;
    let mut rows: Vec<PortfolioRow> = overviews
        .into_iter()
        .filter_map(|overview| {
            let matrix = matrices.remove(&overview.id)?;
            Some(PortfolioRow {
                summary: summarize_matrix(&matrix),
                certification: certifications.get(&overview.id).copied(),
                matrix,
                overview,
            })
        })
        .collect();
    sort_matrix_rows(&mut rows, sort, order, |r| {
        (r.overview.product.name.as_str(), &r.summary)
    });
    let (complete, incomplete) = completeness_counts(rows.iter().map(|r| &r.summary));
    Ok(PortfolioMatrix {
        at,
        complete,
        incomplete,
        sort,
        order,
        rows,
    })
}
