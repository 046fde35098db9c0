//! Bulk import of an existing portfolio (the beta.gouv.fr catalogue): incubators, products,
//! their phase histories and dated events, compared with what is stored so that importing the
//! same data again changes nothing. Runs in the caller's transaction, like every repository.

use chrono::NaiveDate;
use diesel::prelude::*;
use pilote_domain::{
    DecisionKind, Incubator, Outcome, PhaseDurations, PhaseHistory, Product, ProductSheet, Slug,
};

use crate::{
    clock,
    connection::DbConnection,
    error::{StoreError, StoreResult},
    ids::{Actor, ProductId},
    repo::{audit, incubators, phases, products, sheets},
    schema::{
        decisions, incubators as inc, phases as phase_rows, product_catalogue as cat,
        product_events, products as prod,
    },
};

/// The administration of an incubator whose file does not name one.
pub const DEFAULT_ADMINISTRATION: &str = "beta.gouv.fr";

/// An incubator to import; `None` fields are unknown and never overwrite stored values.
#[derive(Clone, Debug, PartialEq)]
pub struct IncubatorInput {
    pub slug: Slug,
    pub name: Option<String>,
    pub administration: Option<String>,
}

/// A dated event of a product's life.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventInput {
    pub happened_on: NaiveDate,
    pub name: String,
    pub comment: Option<String>,
}

/// A product to import, with its repaired history. `published` and `problem` are Pilote's
/// own fields: kept as stored on an update. The product is found again by `betagouv_id`, the
/// catalogue's id as written, then by slug (products imported before ids were kept).
#[derive(Clone, Debug, PartialEq)]
pub struct ProductInput {
    pub product: Product,
    /// The catalogue's id, as written (`données-et-territoires`).
    pub betagouv_id: String,
    /// How the product ended, if the catalogue says it did.
    pub outcome: Option<Outcome>,
    pub perennisation_mode: Option<String>,
    pub history: PhaseHistory,
    pub events: Vec<EventInput>,
    /// The whole product sheet as the catalogue gives it (checked).
    pub sheet: ProductSheet,
}

/// How many rows of one kind were created, changed, left as they were, or removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub imported: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub removed: usize,
}

impl Changes {
    /// Whether anything was written.
    pub fn changed(&self) -> bool {
        self.imported + self.updated + self.removed > 0
    }
}

/// What an import wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportChanges {
    pub incubators: Changes,
    pub products: Changes,
    pub phases: Changes,
    pub events: Changes,
    /// `continue` decisions made from committee events (created or removed with them).
    pub decisions: Changes,
    /// One line per product created or updated, e.g. `agora: pitch, phases`.
    pub details: Vec<String>,
}

impl ImportChanges {
    /// Whether the import changed anything at all.
    pub fn changed(&self) -> bool {
        [self.incubators, self.products, self.phases, self.events]
            .iter()
            .any(Changes::changed)
    }
}

/// The event of a phase the catalogue began again (`pilote_domain::PhaseRepeat`): like a
/// committee's, it is a `continue` decision of its day.
pub const PHASE_REPEAT_EVENT: &str = "phase_repeat";

/// The events that are a `continue` decision.
fn is_decision(event: &str) -> bool {
    event == "committee" || event == PHASE_REPEAT_EVENT
}

/// The rationale of a committee decision whose event has no comment.
pub const COMMITTEE_DEFAULT_RATIONALE: &str = "Comité";

/// Imports everything, incubators first; products name their incubator by slug.
pub fn apply(
    conn: &mut DbConnection,
    incubator_inputs: &[IncubatorInput],
    product_inputs: &[ProductInput],
) -> StoreResult<ImportChanges> {
    let mut out = ImportChanges::default();
    for input in incubator_inputs {
        upsert_incubator(conn, input, &mut out.incubators)?;
    }
    for input in product_inputs {
        upsert_product(conn, input, &mut out)?;
    }
    Ok(out)
}

pub(crate) fn upsert_incubator(
    conn: &mut DbConnection,
    input: &IncubatorInput,
    changes: &mut Changes,
) -> StoreResult<()> {
    let stored = match incubators::find(conn, &input.slug) {
        Ok((id, incubator)) => Some((id, incubator)),
        Err(StoreError::NotFound { .. }) => None,
        Err(e) => return Err(e),
    };
    let Some((id, stored)) = stored else {
        incubators::insert(
            conn,
            &Incubator {
                slug: input.slug.clone(),
                name: input.name.clone().unwrap_or_else(|| input.slug.to_string()),
                administration: input
                    .administration
                    .clone()
                    .unwrap_or_else(|| DEFAULT_ADMINISTRATION.to_owned()),
                durations: PhaseDurations::default(),
            },
        )?;
        changes.imported += 1;
        return Ok(());
    };
    let name = input.name.clone().unwrap_or_else(|| stored.name.clone());
    let administration = input
        .administration
        .clone()
        .unwrap_or_else(|| stored.administration.clone());
    if name == stored.name && administration == stored.administration {
        changes.unchanged += 1;
        return Ok(());
    }
    let updated = Incubator {
        name: name.clone(),
        administration: administration.clone(),
        ..stored
    };
    updated.validate()?;
    diesel::update(inc::table.find(id.0))
        .set((inc::name.eq(name), inc::administration.eq(administration)))
        .execute(conn)?;
    changes.updated += 1;
    Ok(())
}

pub(crate) fn upsert_product(
    conn: &mut DbConnection,
    input: &ProductInput,
    out: &mut ImportChanges,
) -> StoreResult<()> {
    let stored = find_product(conn, input)?;
    let slug = match &stored {
        Some((_, before)) => before.slug.clone(),
        None => input.product.slug.clone(),
    };
    let mut what = Vec::new();
    let id = match stored {
        None => {
            let id = products::insert(conn, &input.product, Actor::System)?;
            // `insert` starts every product in investigation; the imported past replaces it.
            write_history(conn, id, &input.history)?;
            set_mode(conn, id, input.perennisation_mode.as_deref())?;
            out.products.imported += 1;
            out.phases.imported += input.history.records().len();
            if input.sheet != ProductSheet::default() {
                sheets::write(conn, id, &input.sheet)?;
            }
            sync_catalogue(conn, id, input)?;
            what.push("created".to_owned());
            id
        }
        Some((id, before)) => {
            let wanted = Product {
                slug: before.slug.clone(),
                published: before.published,
                problem: before.problem.clone(),
                ..input.product.clone()
            };
            let mode: Option<String> = prod::table
                .find(id.0)
                .select(prod::perennisation_mode)
                .first(conn)?;
            what.extend(product_differences(&before, &wanted));
            if mode != input.perennisation_mode {
                what.push("perennisation_mode".to_owned());
                set_mode(conn, id, input.perennisation_mode.as_deref())?;
            }
            if before != wanted {
                products::update(conn, id, &wanted, Actor::System)?;
            }
            let history = phases::history(conn, id)?;
            if history == input.history {
                out.phases.unchanged += history.records().len();
            } else {
                write_history(conn, id, &input.history)?;
                out.phases.removed += history.records().len();
                out.phases.imported += input.history.records().len();
                what.push("phases".to_owned());
            }
            // What the source is silent about (the API has no `usertypes`) stays.
            let stored = sheets::get(conn, id)?;
            let wanted = input.sheet.clone().over(&stored);
            if stored != wanted {
                sheets::write(conn, id, &wanted)?;
                what.push("sheet".to_owned());
            }
            if let Some(field) = sync_catalogue(conn, id, input)? {
                what.push(field.to_owned());
            }
            if what.is_empty() {
                out.products.unchanged += 1;
            } else {
                out.products.updated += 1;
            }
            id
        }
    };
    if sync_events(conn, id, &input.events, out)? {
        what.push("events".to_owned());
    }
    if !what.is_empty() {
        if what.first().is_none_or(|w| w != "created") {
            out.details.push(format!("{slug}: {}", what.join(", ")));
        }
        audit::append(
            conn,
            audit::NewEntry {
                actor: Actor::System,
                action: "product.import",
                entity: "product",
                entity_key: slug.to_string(),
                before: None,
                after: Some(
                    serde_json::json!({
                        "changed": what,
                        "phase": input.history.status().as_str(),
                        "perennisation_mode": input.perennisation_mode,
                        "betagouv_id": input.betagouv_id,
                        "outcome": input.outcome.map(Outcome::as_str),
                        "returns": input.history.returns().len(),
                    })
                    .to_string(),
                ),
            },
        )?;
    }
    Ok(())
}

/// The stored product this input updates: the one holding its catalogue id, else the one of
/// its slug, unless that one came from another catalogue id (then the slug is taken).
pub(crate) fn find_product(
    conn: &mut DbConnection,
    input: &ProductInput,
) -> StoreResult<Option<(ProductId, Product)>> {
    let by_id: Option<i64> = cat::table
        .filter(cat::betagouv_id.eq(&input.betagouv_id))
        .select(cat::product_id)
        .first(conn)
        .optional()?;
    if let Some(id) = by_id {
        let id = ProductId(id);
        return Ok(Some((id, products::get(conn, id)?)));
    }
    let (id, product) = match products::find(conn, &input.product.slug) {
        Ok(found) => found,
        Err(StoreError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let other: Option<String> = cat::table
        .find(id.0)
        .select(cat::betagouv_id)
        .first(conn)
        .optional()?;
    match other {
        Some(other) => Err(StoreError::Conflict(format!(
            "the slug {} belongs to the catalogue's product {other}, not {}",
            input.product.slug, input.betagouv_id
        ))),
        None => Ok(Some((id, product))),
    }
}

/// Makes the product's catalogue row say `input`'s id and outcome, and records `input` as
/// the base of the next sync; returns which of id and outcome changed.
pub(crate) fn sync_catalogue(
    conn: &mut DbConnection,
    id: ProductId,
    input: &ProductInput,
) -> StoreResult<Option<&'static str>> {
    let outcome = input.outcome.map(Outcome::as_str);
    let synced = Some(super::sync::Synced::of(input).to_json());
    let stored: Option<(String, Option<String>, Option<String>)> = cat::table
        .find(id.0)
        .select((cat::betagouv_id, cat::outcome, cat::synced))
        .first(conn)
        .optional()?;
    let changed = match stored {
        None => {
            diesel::insert_into(cat::table)
                .values((
                    cat::product_id.eq(id.0),
                    cat::betagouv_id.eq(&input.betagouv_id),
                    cat::outcome.eq(outcome),
                    cat::synced.eq(&synced),
                ))
                .execute(conn)?;
            Some("betagouv_id")
        }
        Some((betagouv_id, stored_outcome, stored_synced)) => {
            let changed = if betagouv_id != input.betagouv_id {
                Some("betagouv_id")
            } else if stored_outcome.as_deref() != outcome {
                Some("outcome")
            } else {
                None
            };
            if changed.is_some() || stored_synced != synced {
                diesel::update(cat::table.find(id.0))
                    .set((
                        cat::betagouv_id.eq(&input.betagouv_id),
                        cat::outcome.eq(outcome),
                        cat::synced.eq(&synced),
                    ))
                    .execute(conn)?;
            }
            changed
        }
    };
    Ok(changed)
}

/// What the catalogue says of a product: its id there and its outcome; `None` for a product
/// created in Pilote.
pub fn catalogue_entry(
    conn: &mut DbConnection,
    id: ProductId,
) -> StoreResult<Option<(String, Option<Outcome>)>> {
    let row: Option<(String, Option<String>)> = cat::table
        .find(id.0)
        .select((cat::betagouv_id, cat::outcome))
        .first(conn)
        .optional()?;
    row.map(|(betagouv_id, outcome)| {
        let outcome = outcome
            .as_deref()
            .map(Outcome::parse)
            .transpose()
            .map_err(|e| crate::error::corrupt("product_catalogue", id, e))?;
        Ok((betagouv_id, outcome))
    })
    .transpose()
}

fn product_differences(before: &Product, after: &Product) -> Vec<String> {
    let fields = [
        ("name", before.name != after.name),
        ("pitch", before.pitch != after.pitch),
        ("sponsor", before.sponsor != after.sponsor),
        ("incubator", before.incubator != after.incubator),
        ("website", before.website != after.website),
        ("repository", before.repository != after.repository),
        ("created_on", before.created_on != after.created_on),
    ];
    fields
        .into_iter()
        .filter(|(_, differs)| *differs)
        .map(|(field, _)| field.to_owned())
        .collect()
}

pub(crate) fn set_mode(
    conn: &mut DbConnection,
    id: ProductId,
    mode: Option<&str>,
) -> StoreResult<()> {
    diesel::update(prod::table.find(id.0))
        .set(prod::perennisation_mode.eq(mode))
        .execute(conn)?;
    Ok(())
}

pub(crate) fn write_history(
    conn: &mut DbConnection,
    id: ProductId,
    history: &PhaseHistory,
) -> StoreResult<()> {
    crate::transaction::lock_product(conn, id)?;
    diesel::delete(phase_rows::table.filter(phase_rows::product_id.eq(id.0))).execute(conn)?;
    phases::insert_history(conn, id, history)
}

#[derive(Queryable)]
pub(crate) struct EventRow {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) happened_on: NaiveDate,
    pub(crate) comment: Option<String>,
    pub(crate) decision_id: Option<i64>,
}

/// A product's stored events, oldest first.
pub fn events(conn: &mut DbConnection, product: ProductId) -> StoreResult<Vec<EventInput>> {
    let rows = load_events(conn, product)?;
    Ok(rows
        .into_iter()
        .map(|r| EventInput {
            happened_on: r.happened_on,
            name: r.name,
            comment: r.comment,
        })
        .collect())
}

pub(crate) fn load_events(
    conn: &mut DbConnection,
    product: ProductId,
) -> StoreResult<Vec<EventRow>> {
    Ok(product_events::table
        .filter(product_events::product_id.eq(product.0))
        .order((product_events::happened_on, product_events::id))
        .select((
            product_events::id,
            product_events::name,
            product_events::happened_on,
            product_events::comment,
            product_events::decision_id,
        ))
        .load(conn)?)
}

/// Makes the stored events those of the file, as a multiset: returns whether anything changed.
fn sync_events(
    conn: &mut DbConnection,
    product: ProductId,
    wanted: &[EventInput],
    out: &mut ImportChanges,
) -> StoreResult<bool> {
    let mut to_add: Vec<&EventInput> = wanted.iter().collect();
    let mut to_remove = Vec::new();
    for row in load_events(conn, product)? {
        let found = to_add.iter().position(|e| {
            e.name == row.name && e.happened_on == row.happened_on && e.comment == row.comment
        });
        match found {
            Some(i) => {
                to_add.swap_remove(i);
                out.events.unchanged += 1;
            }
            None => to_remove.push(row),
        }
    }
    for row in &to_remove {
        diesel::delete(product_events::table.find(row.id)).execute(conn)?;
        if let Some(decision) = row.decision_id {
            diesel::delete(decisions::table.find(decision)).execute(conn)?;
            out.decisions.removed += 1;
        }
        out.events.removed += 1;
    }
    for event in &to_add {
        if insert_event(conn, product, event)? {
            out.decisions.imported += 1;
        }
        out.events.imported += 1;
    }
    Ok(!to_add.is_empty() || !to_remove.is_empty())
}

/// Stores an event of the catalogue, with its `continue` decision when it is one (a
/// committee's, a phase begun again); whether it made a decision.
pub(crate) fn insert_event(
    conn: &mut DbConnection,
    product: ProductId,
    event: &EventInput,
) -> StoreResult<bool> {
    let decision_id = if is_decision(&event.name) {
        Some(insert_committee_decision(conn, product, event)?)
    } else {
        None
    };
    diesel::insert_into(product_events::table)
        .values((
            product_events::product_id.eq(product.0),
            product_events::name.eq(&event.name),
            product_events::happened_on.eq(event.happened_on),
            product_events::comment.eq(&event.comment),
            product_events::decision_id.eq(decision_id),
        ))
        .execute(conn)?;
    Ok(decision_id.is_some())
}

/// A committee's event is a `continue` decision: it kept the product in its phase (phase
/// changes come from the phase list itself, never from events).
fn insert_committee_decision(
    conn: &mut DbConnection,
    product: ProductId,
    event: &EventInput,
) -> StoreResult<i64> {
    let rationale = event
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .unwrap_or(COMMITTEE_DEFAULT_RATIONALE);
    let rationale = pilote_domain::Rationale::parse(rationale)?;
    Ok(diesel::insert_into(decisions::table)
        .values((
            decisions::product_id.eq(product.0),
            decisions::kind.eq(DecisionKind::Continue.as_str()),
            decisions::decided_on.eq(event.happened_on),
            decisions::rationale.eq(rationale.as_ref()),
            decisions::decided_by.eq(None::<i64>),
            decisions::recorded_at.eq(clock::now()),
        ))
        .returning(decisions::id)
        .get_result(conn)?)
}
