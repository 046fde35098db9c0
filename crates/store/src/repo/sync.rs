//! `pilote sync betagouv`: the catalogue's difference applied without overwriting what was
//! entered in Pilote. Each imported product keeps, in `product_catalogue.synced`, the
//! catalogue's description and phases as last imported or synced; a field is taken from the
//! catalogue only when Pilote still holds that base value (`pilote_domain::merge`), and a field
//! both sides changed is a conflict: reported, Pilote's value kept. New products are created as
//! `import` creates them; new events are added (never removed: nothing is deleted by a sync).

use chrono::NaiveDate;
use diesel::prelude::*;
use pilote_domain::{Merge, Phase, PhaseHistory, PhaseRecord, ProductSheet, merge};
use serde_json::{Value, json};

use crate::{
    connection::DbConnection,
    error::StoreResult,
    ids::{Actor, ProductId},
    repo::{
        audit,
        import::{
            Changes, EventInput, ImportChanges, IncubatorInput, ProductInput, find_product,
            insert_event, load_events, set_mode, sync_catalogue, upsert_incubator, upsert_product,
            write_history,
        },
        phases, products, sheets,
    },
    schema::{product_catalogue as cat, products as prod},
};

/// One phase record as last synced.
#[derive(Clone, Debug, PartialEq, Eq)]
struct SyncedPhase {
    phase: Phase,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    is_return: bool,
}

/// The catalogue's side of a product as last imported or synced: the base of the comparison.
/// Stored as JSON written and read here (the store has no serde derive of its own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Synced {
    name: String,
    pitch: String,
    sponsor: String,
    incubator: String,
    website: Option<String>,
    repository: Option<String>,
    phases: Vec<SyncedPhase>,
    /// The sheet as last synced; `None` when written by a version without sheets (Pilote
    /// then held none of it: the base is an empty sheet).
    sheet: Option<ProductSheet>,
}

impl Synced {
    pub(crate) fn of(input: &ProductInput) -> Synced {
        let p = &input.product;
        Synced {
            name: p.name.clone(),
            pitch: p.pitch.clone(),
            sponsor: p.sponsor.clone(),
            incubator: p.incubator.to_string(),
            website: p.website.clone(),
            repository: p.repository.clone(),
            phases: phases_of(&input.history),
            sheet: Some(input.sheet.clone()),
        }
    }

    pub(crate) fn to_json(&self) -> String {
        let phases: Vec<Value> = self
            .phases
            .iter()
            .map(|p| {
                json!({
                    "phase": p.phase.as_str(),
                    "started_on": p.started_on,
                    "ended_on": p.ended_on,
                    "is_return": p.is_return,
                })
            })
            .collect();
        json!({
            "name": self.name,
            "pitch": self.pitch,
            "sponsor": self.sponsor,
            "incubator": self.incubator,
            "website": self.website,
            "repository": self.repository,
            "phases": phases,
            "sheet": self.sheet.as_ref().and_then(|s| serde_json::to_value(s).ok()),
        })
        .to_string()
    }

    /// `None` for anything this version did not write: the field is then "never synced".
    fn from_json(text: &str) -> Option<Synced> {
        let v: Value = serde_json::from_str(text).ok()?;
        let s = |key: &str| v.get(key)?.as_str().map(str::to_owned);
        let opt = |key: &str| v.get(key).map(|x| x.as_str().map(str::to_owned));
        let day = |x: &Value| x.as_str()?.parse::<NaiveDate>().ok();
        let mut phases = Vec::new();
        for p in v.get("phases")?.as_array()? {
            phases.push(SyncedPhase {
                phase: Phase::parse(p.get("phase")?.as_str()?).ok()?,
                started_on: day(p.get("started_on")?)?,
                ended_on: match p.get("ended_on")? {
                    Value::Null => None,
                    other => Some(day(other)?),
                },
                is_return: p.get("is_return")?.as_bool()?,
            });
        }
        Some(Synced {
            name: s("name")?,
            pitch: s("pitch")?,
            sponsor: s("sponsor")?,
            incubator: s("incubator")?,
            website: opt("website")?,
            repository: opt("repository")?,
            phases,
            sheet: v
                .get("sheet")
                .and_then(|s| serde_json::from_value(s.clone()).ok()),
        })
    }
}

fn phases_of(history: &PhaseHistory) -> Vec<SyncedPhase> {
    history
        .records()
        .iter()
        .map(|r: &PhaseRecord| SyncedPhase {
            phase: r.phase,
            started_on: r.started_on,
            ended_on: r.ended_on,
            is_return: history.is_return(r),
        })
        .collect()
}

/// A field both Pilote and the catalogue changed: Pilote's value was kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The product's slug in Pilote.
    pub product: String,
    /// `name`, `pitch`, `sponsor`, `incubator`, `website`, `repository`, `phases`, or a part
    /// of the sheet (`thematiques`, `links`, `accessibility_status`…).
    pub field: &'static str,
    /// Pilote's value, kept.
    pub pilote: String,
    /// The catalogue's value, not applied.
    pub catalogue: String,
}

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncChanges {
    pub incubators: Changes,
    /// Slugs of the products created.
    pub created: Vec<String>,
    /// One line per product changed, e.g. `agora: name, phases`.
    pub updated: Vec<String>,
    pub unchanged: usize,
    pub conflicts: Vec<Conflict>,
    /// Events (committee ones with their decision) added.
    pub events_added: usize,
}

impl SyncChanges {
    /// Whether the sync wrote anything the report lists.
    pub fn changed(&self) -> bool {
        self.incubators.changed()
            || !self.created.is_empty()
            || !self.updated.is_empty()
            || self.events_added > 0
    }
}

/// Applies the catalogue's difference; runs in the caller's transaction.
pub fn apply(
    conn: &mut DbConnection,
    incubator_inputs: &[IncubatorInput],
    product_inputs: &[ProductInput],
) -> StoreResult<SyncChanges> {
    let mut out = SyncChanges::default();
    for input in incubator_inputs {
        upsert_incubator(conn, input, &mut out.incubators)?;
    }
    for input in product_inputs {
        sync_product(conn, input, &mut out)?;
    }
    Ok(out)
}

fn sync_product(
    conn: &mut DbConnection,
    input: &ProductInput,
    out: &mut SyncChanges,
) -> StoreResult<()> {
    let Some((id, before)) = find_product(conn, input)? else {
        let mut created = ImportChanges::default();
        upsert_product(conn, input, &mut created)?;
        out.created.push(input.product.slug.to_string());
        out.events_added += created.events.imported;
        return Ok(());
    };
    let slug = before.slug.to_string();
    let base: Option<Synced> = cat::table
        .find(id.0)
        .select(cat::synced)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten()
        .and_then(|json| Synced::from_json(&json));
    let theirs = Synced::of(input);
    let mut wanted = before.clone();
    let mut what: Vec<&'static str> = Vec::new();
    let mut field = |name: &'static str,
                     ours: &mut String,
                     base: Option<&String>,
                     theirs: &String,
                     what: &mut Vec<&'static str>| {
        match merge(ours, base, theirs) {
            Merge::Keep => {}
            Merge::Take => {
                ours.clone_from(theirs);
                what.push(name);
            }
            Merge::Conflict => out.conflicts.push(Conflict {
                product: slug.clone(),
                field: name,
                pilote: ours.clone(),
                catalogue: theirs.clone(),
            }),
        }
    };
    let b = base.as_ref();
    field(
        "name",
        &mut wanted.name,
        b.map(|b| &b.name),
        &theirs.name,
        &mut what,
    );
    field(
        "pitch",
        &mut wanted.pitch,
        b.map(|b| &b.pitch),
        &theirs.pitch,
        &mut what,
    );
    field(
        "sponsor",
        &mut wanted.sponsor,
        b.map(|b| &b.sponsor),
        &theirs.sponsor,
        &mut what,
    );
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut website = text(&wanted.website);
    let base_website = b.map(|b| text(&b.website));
    field(
        "website",
        &mut website,
        base_website.as_ref(),
        &text(&theirs.website),
        &mut what,
    );
    let mut repository = text(&wanted.repository);
    let base_repository = b.map(|b| text(&b.repository));
    field(
        "repository",
        &mut repository,
        base_repository.as_ref(),
        &text(&theirs.repository),
        &mut what,
    );
    let mut incubator = wanted.incubator.to_string();
    field(
        "incubator",
        &mut incubator,
        b.map(|b| &b.incubator),
        &theirs.incubator,
        &mut what,
    );
    wanted.website = Some(website).filter(|w| !w.is_empty());
    wanted.repository = Some(repository).filter(|r| !r.is_empty());
    wanted.incubator = input.product.incubator.clone();
    if !what.contains(&"incubator") {
        wanted.incubator = before.incubator.clone();
    }
    if wanted != before {
        products::update(conn, id, &wanted, Actor::System)?;
    }

    let history = phases::history(conn, id)?;
    let ours = phases_of(&history);
    match merge(&ours, b.map(|b| &b.phases), &theirs.phases) {
        Merge::Keep => {}
        Merge::Take => {
            write_history(conn, id, &input.history)?;
            what.push("phases");
        }
        Merge::Conflict => out.conflicts.push(Conflict {
            product: slug.clone(),
            field: "phases",
            pilote: describe(&ours),
            catalogue: describe(&theirs.phases),
        }),
    }
    let ours = sheets::get(conn, id)?;
    let base_sheet = b.map(|b| b.sheet.clone().unwrap_or_default());
    let mut merged = ours.clone();
    merge_sheet(
        &mut merged,
        base_sheet.as_ref(),
        &input.sheet,
        &slug,
        &mut what,
        &mut out.conflicts,
    );
    if merged != ours {
        sheets::write(conn, id, &merged)?;
    }
    // What only the catalogue says (not entered in Pilote): taken as is.
    let mode: Option<String> = prod::table
        .find(id.0)
        .select(prod::perennisation_mode)
        .first(conn)?;
    if mode != input.perennisation_mode {
        set_mode(conn, id, input.perennisation_mode.as_deref())?;
        what.push("perennisation_mode");
    }
    if let Some(changed) = sync_catalogue(conn, id, input)? {
        what.push(changed);
    }
    let added = add_events(conn, id, &input.events)?;
    if added > 0 {
        out.events_added += added;
        what.push("events");
    }
    if what.is_empty() {
        out.unchanged += 1;
        return Ok(());
    }
    out.updated.push(format!("{slug}: {}", what.join(", ")));
    audit::append(
        conn,
        audit::NewEntry {
            actor: Actor::System,
            action: "product.sync",
            entity: "product",
            entity_key: slug,
            before: None,
            after: Some(serde_json::json!({ "changed": what }).to_string()),
        },
    )
}

/// Merges each part of the sheet as the description's fields are: taken from the catalogue
/// only where Pilote still holds the last synced value, else kept (and a conflict reported
/// when both changed). Lists, contacts, links, MonServiceSécurisé go as a whole each.
fn merge_sheet(
    ours: &mut ProductSheet,
    base: Option<&ProductSheet>,
    theirs: &ProductSheet,
    slug: &str,
    what: &mut Vec<&'static str>,
    conflicts: &mut Vec<Conflict>,
) {
    macro_rules! each {
        ($($field:ident),+) => {$(
            match merge(&ours.$field, base.map(|b| &b.$field), &theirs.$field) {
                Merge::Keep => {}
                Merge::Take => {
                    ours.$field = theirs.$field.clone();
                    what.push(stringify!($field));
                }
                Merge::Conflict => conflicts.push(Conflict {
                    product: slug.to_owned(),
                    field: stringify!($field),
                    pilote: serde_json::to_string(&ours.$field).unwrap_or_default(),
                    catalogue: serde_json::to_string(&theirs.$field).unwrap_or_default(),
                }),
            }
        )+};
    }
    each!(
        thematiques,
        user_types,
        technos,
        co_incubators,
        contacts,
        links,
        accessibility_status,
        dsfr_status,
        monservicesecurise,
        risk_analysis
    );
}

/// `investigation 2021-01-04 → 2021-06-01, construction 2021-06-01 → …`.
fn describe(phases: &[SyncedPhase]) -> String {
    phases
        .iter()
        .map(|p| {
            let end = p.ended_on.map_or_else(|| "…".to_owned(), |d| d.to_string());
            format!("{} {} → {end}", p.phase, p.started_on)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds the catalogue's events the product does not have yet (as a multiset); returns how
/// many. A committee event brings its `continue` decision, as on import.
fn add_events(
    conn: &mut DbConnection,
    product: ProductId,
    wanted: &[EventInput],
) -> StoreResult<usize> {
    let mut stored = load_events(conn, product)?;
    let mut added = 0;
    for event in wanted {
        let found = stored.iter().position(|row| {
            row.name == event.name
                && row.happened_on == event.happened_on
                && row.comment == event.comment
        });
        if let Some(i) = found {
            stored.swap_remove(i);
            continue;
        }
        insert_event(conn, product, event)?;
        added += 1;
    }
    Ok(added)
}
