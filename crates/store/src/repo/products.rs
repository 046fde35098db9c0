//! Products: what they are and where they stand.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use pilote_domain::{Outcome, Phase, PhaseHistory, Product, ProductStatus, Slug};

use crate::{
    clock,
    connection::DbConnection,
    error::{NotFoundExt, StoreError, StoreResult, corrupt},
    ids::{Actor, IncubatorId, ProductId},
    page::{Listing, Page},
    repo::{audit, incubators, phases, sheets},
    schema::{incubators as inc, product_catalogue as cat, products},
};

/// A product's columns that creating and editing both write (all but its slug, creation date
/// and times), written once for both.
#[derive(Insertable, AsChangeset)]
#[diesel(
    table_name = products,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
struct Editable<'a> {
    incubator_id: i64,
    name: &'a str,
    pitch: &'a str,
    problem: Option<&'a str>,
    sponsor: &'a str,
    website: Option<&'a str>,
    repository: Option<&'a str>,
    published: bool,
}

impl<'a> Editable<'a> {
    fn of(product: &'a Product, incubator: IncubatorId) -> Self {
        Editable {
            incubator_id: incubator.0,
            name: &product.name,
            pitch: &product.pitch,
            problem: product.problem.as_deref(),
            sponsor: &product.sponsor,
            website: product.website.as_deref(),
            repository: product.repository.as_deref(),
            published: product.published,
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = products)]
struct ProductRow {
    id: i64,
    slug: String,
    name: String,
    pitch: String,
    problem: Option<String>,
    sponsor: String,
    website: Option<String>,
    repository: Option<String>,
    published: bool,
    created_on: NaiveDate,
}

impl ProductRow {
    fn into_domain(self, incubator: Slug) -> StoreResult<(ProductId, Product)> {
        let slug = Slug::parse(&self.slug).map_err(|e| corrupt("products", self.id, e))?;
        Ok((
            ProductId(self.id),
            Product {
                slug,
                name: self.name,
                pitch: self.pitch,
                problem: self.problem,
                sponsor: self.sponsor,
                incubator,
                website: self.website,
                repository: self.repository,
                published: self.published,
                created_on: self.created_on,
            },
        ))
    }
}

/// A product as lists show it: with its incubator, current phase and whether it is overdue.
#[derive(Clone, Debug, PartialEq)]
pub struct ProductOverview {
    pub id: ProductId,
    pub product: Product,
    pub incubator_name: String,
    pub status: ProductStatus,
    /// When the current phase began (for a stopped product: when it stopped).
    pub phase_started_on: NaiveDate,
    /// When the current phase went past the incubator's maximum duration, if it has.
    pub overdue_since: Option<NaiveDate>,
    /// Its id in the beta.gouv.fr catalogue, as written there, when it was imported.
    pub betagouv_id: Option<String>,
    /// How it ended, as the catalogue says (imported products only).
    pub outcome: Option<Outcome>,
    /// The incubators co-incubating it, besides its own (`product.incubator`).
    pub co_incubators: Vec<Slug>,
}

impl ProductOverview {
    /// Every incubator running it, its own first.
    pub fn incubators(&self) -> Vec<Slug> {
        std::iter::once(self.product.incubator.clone())
            .chain(self.co_incubators.iter().cloned())
            .collect()
    }
}

/// What a product list is narrowed to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProductFilter {
    pub incubator: Option<Slug>,
    pub status: Option<ProductStatus>,
    /// Words searched in the name, slug and pitch, ignoring case and accents.
    pub query: Option<String>,
    /// A thematique of the product's sheet, accents and case ignored.
    pub thematique: Option<String>,
}

/// Stores a new product, which starts in investigation on its creation date.
pub fn insert(conn: &mut DbConnection, product: &Product, actor: Actor) -> StoreResult<ProductId> {
    let now = clock::now();
    product.validate(now.date())?;
    let (incubator_id, _) = incubators::find(conn, &product.incubator)?;
    let id = diesel::insert_into(products::table)
        .values((
            products::slug.eq(product.slug.as_ref()),
            Editable::of(product, incubator_id),
            products::created_on.eq(product.created_on),
            products::created_at.eq(now),
            products::updated_at.eq(now),
        ))
        .returning(products::id)
        .get_result(conn)
        .map(ProductId)?;
    phases::insert_history(
        conn,
        id,
        &PhaseHistory::start(Phase::Investigation, product.created_on),
    )?;
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: "product.create",
            entity: "product",
            entity_key: product.slug.to_string(),
            before: None,
            after: Some(describe(product)),
        },
    )?;
    Ok(id)
}

/// Saves a product's new description (its slug stays).
pub fn update(
    conn: &mut DbConnection,
    id: ProductId,
    product: &Product,
    actor: Actor,
) -> StoreResult<()> {
    product.validate(clock::now().date())?;
    let before = get(conn, id)?;
    let (incubator_id, _) = incubators::find(conn, &product.incubator)?;
    diesel::update(products::table.find(id.0))
        .set((
            Editable::of(product, incubator_id),
            products::updated_at.eq(clock::now()),
        ))
        .execute(conn)?;
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: "product.update",
            entity: "product",
            entity_key: before.slug.to_string(),
            before: Some(describe(&before)),
            after: Some(describe(product)),
        },
    )
}

/// The product with this slug.
pub fn find(conn: &mut DbConnection, slug: &Slug) -> StoreResult<(ProductId, Product)> {
    let (row, incubator) = products::table
        .inner_join(inc::table)
        .filter(products::slug.eq(slug.as_ref()))
        .select((ProductRow::as_select(), inc::slug))
        .first::<(ProductRow, String)>(conn)
        .not_found("product")?;
    let incubator = Slug::parse(&incubator).map_err(|e| corrupt("incubators", &incubator, e))?;
    row.into_domain(incubator)
}

/// The product with this id.
pub fn get(conn: &mut DbConnection, id: ProductId) -> StoreResult<Product> {
    let (row, incubator) = products::table
        .inner_join(inc::table)
        .filter(products::id.eq(id.0))
        .select((ProductRow::as_select(), inc::slug))
        .first::<(ProductRow, String)>(conn)
        .not_found("product")?;
    let incubator = Slug::parse(&incubator).map_err(|e| corrupt("incubators", &incubator, e))?;
    Ok(row.into_domain(incubator)?.1)
}

/// Products matching `filter`, by name, one page of them, with their state at `today`.
pub fn list(
    conn: &mut DbConnection,
    filter: &ProductFilter,
    page: Page,
    today: NaiveDate,
) -> StoreResult<Listing<ProductOverview>> {
    let all = overviews(conn, filter.incubator.as_ref(), today)?;
    let words = filter
        .query
        .as_deref()
        .map(pilote_domain::search_words)
        .unwrap_or_default();
    let themed = match filter.thematique.as_deref() {
        Some(wanted) => Some(sheets::with_thematique(conn, wanted)?),
        None => None,
    };
    let matching = all
        .into_iter()
        .filter(|o| themed.as_ref().is_none_or(|ids| ids.contains(&o.id)))
        .filter(|o| filter.status.is_none_or(|s| o.status == s))
        .filter(|o| o.product.matches(&words))
        .collect();
    Ok(page.slice(matching))
}

/// Every product (of one incubator, if given: the products it runs or co-incubates) with its
/// state at `today`, in French
/// alphabetical order of their names (`pilote_domain::french_cmp`).
///
/// Loads the products and their phase records in two queries; lists are computed from them.
pub fn overviews(
    conn: &mut DbConnection,
    incubator: Option<&Slug>,
    today: NaiveDate,
) -> StoreResult<Vec<ProductOverview>> {
    load_overviews(conn, incubator, None, today)
}

/// One product with its state at `today`.
pub fn overview(
    conn: &mut DbConnection,
    product: ProductId,
    today: NaiveDate,
) -> StoreResult<ProductOverview> {
    load_overviews(conn, None, Some(product), today)?
        .pop()
        .ok_or(StoreError::NotFound { what: "product" })
}

fn load_overviews(
    conn: &mut DbConnection,
    incubator: Option<&Slug>,
    product: Option<ProductId>,
    today: NaiveDate,
) -> StoreResult<Vec<ProductOverview>> {
    let mut query = products::table
        .inner_join(inc::table)
        .left_join(cat::table)
        .order((products::name, products::id))
        .select((
            ProductRow::as_select(),
            inc::id,
            inc::slug,
            inc::name,
            cat::betagouv_id.nullable(),
            cat::outcome.nullable(),
        ))
        .into_boxed();
    if let Some(slug) = incubator {
        let co: Vec<i64> = sheets::co_incubated(conn, slug)?
            .into_iter()
            .map(|id| id.0)
            .collect();
        query = query.filter(
            inc::slug
                .eq(slug.as_ref().to_owned())
                .or(products::id.eq_any(co)),
        );
    }
    if let Some(id) = product {
        query = query.filter(products::id.eq(id.0));
    }
    type Row = (
        ProductRow,
        i64,
        String,
        String,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = query.load(conn)?;
    let mut histories = phases::histories(conn, rows.iter().map(|r| ProductId(r.0.id)))?;
    let mut co = sheets::co_incubators(conn, product)?;
    let mut durations = HashMap::new();
    let mut result = Vec::with_capacity(rows.len());
    for (row, incubator_id, incubator_slug, incubator_name, betagouv_id, outcome) in rows {
        let id = ProductId(row.id);
        let history = histories
            .remove(&id)
            .ok_or_else(|| corrupt("products", id, "has no phase history"))?;
        let limits = match durations.get(&incubator_id) {
            Some(limits) => limits,
            None => {
                let limits = incubators::get(conn, IncubatorId(incubator_id))?.durations;
                durations.entry(incubator_id).or_insert(limits)
            }
        };
        let incubator =
            Slug::parse(&incubator_slug).map_err(|e| corrupt("incubators", incubator_id, e))?;
        let (id, product) = row.into_domain(incubator)?;
        let phase_started_on = history
            .current()
            .map(|r| r.started_on)
            .or(history.stopped_on())
            .ok_or_else(|| corrupt("products", id, "has neither an open phase nor a stop"))?;
        let outcome = outcome
            .as_deref()
            .map(Outcome::parse)
            .transpose()
            .map_err(|e| corrupt("product_catalogue", id, e))?;
        result.push(ProductOverview {
            co_incubators: co.remove(&id).unwrap_or_default(),
            betagouv_id,
            outcome,
            id,
            overdue_since: history.overdue_since(limits, today),
            status: history.status(),
            phase_started_on,
            incubator_name,
            product,
        });
    }
    // French alphabetical order, which no database collation gives alike on SQLite and
    // PostgreSQL: « Égalité » among the e's, not after « Zéro ».
    result.sort_by(|a, b| {
        pilote_domain::french_cmp(&a.product.name, &b.product.name).then(a.id.0.cmp(&b.id.0))
    });
    Ok(result)
}

/// A product's id from its slug.
pub fn id_of(conn: &mut DbConnection, slug: &Slug) -> StoreResult<ProductId> {
    products::table
        .filter(products::slug.eq(slug.as_ref()))
        .select(products::id)
        .first(conn)
        .not_found("product")
        .map(ProductId)
}

/// How many products there are.
pub fn count(conn: &mut DbConnection) -> StoreResult<i64> {
    products::table
        .count()
        .get_result(conn)
        .map_err(StoreError::from)
}

fn describe(product: &Product) -> String {
    serde_json::json!({
        "slug": product.slug.as_ref(),
        "name": product.name,
        "pitch": product.pitch,
        "problem": product.problem,
        "sponsor": product.sponsor,
        "incubator": product.incubator.as_ref(),
        "website": product.website,
        "repository": product.repository,
        "published": product.published,
        "created_on": product.created_on,
    })
    .to_string()
}
