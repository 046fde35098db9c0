//! Committee cadence: each running product's next committee, due at most its incubator's
//! `committee_months` after its last committee decision (or, without one, after the day it
//! entered its current phase: the committee that decided it, or the imported history).

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::{dsl::max, prelude::*};
use pilote_domain::{CommitteeCadence, CommitteeState, ProductStatus, Slug};

use crate::{
    connection::DbConnection,
    error::{NotFoundExt, StoreResult, corrupt},
    ids::{Actor, ProductId},
    repo::{audit, products},
    schema::{decisions, incubators as inc},
};

/// A running product whose next committee is to schedule or overdue.
#[derive(Clone, Debug, PartialEq)]
pub struct CommitteeDue {
    pub product: ProductId,
    pub slug: Slug,
    pub name: String,
    /// Its last committee decision (or the day it entered its phase).
    pub last_on: NaiveDate,
    pub due_on: NaiveDate,
    pub state: CommitteeState,
}

/// Every incubator's cadence, by slug.
fn cadences(conn: &mut DbConnection) -> StoreResult<HashMap<String, CommitteeCadence>> {
    let rows: Vec<(i64, String, i32)> = inc::table
        .select((inc::id, inc::slug, inc::committee_months))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, slug, months)| {
            let cadence =
                CommitteeCadence::new(months.into()).map_err(|e| corrupt("incubators", id, e))?;
            Ok((slug, cadence))
        })
        .collect()
}

/// The running products (of one incubator, or all) whose committee is to schedule within the
/// horizon or overdue at `today`, soonest due first.
pub fn due(
    conn: &mut DbConnection,
    incubator: Option<&Slug>,
    today: NaiveDate,
) -> StoreResult<Vec<CommitteeDue>> {
    let cadences = cadences(conn)?;
    let last: HashMap<i64, NaiveDate> = decisions::table
        .filter(decisions::decided_on.le(today))
        .group_by(decisions::product_id)
        .select((decisions::product_id, max(decisions::decided_on)))
        .load::<(i64, Option<NaiveDate>)>(conn)?
        .into_iter()
        .filter_map(|(id, on)| Some((id, on?)))
        .collect();
    let mut due = Vec::new();
    for o in products::overviews(conn, incubator, today)? {
        if o.status == ProductStatus::Stopped {
            continue;
        }
        let cadence = cadences
            .get(o.product.incubator.as_ref())
            .copied()
            .unwrap_or_default();
        let last_on = last
            .get(&o.id.0)
            .copied()
            .map_or(o.phase_started_on, |d| d.max(o.phase_started_on));
        let due_on = cadence.due_after(last_on);
        if let Some(state) = CommitteeState::on(due_on, today) {
            due.push(CommitteeDue {
                product: o.id,
                slug: o.product.slug,
                name: o.product.name,
                last_on,
                due_on,
                state,
            });
        }
    }
    due.sort_by(|a, b| {
        a.due_on
            .cmp(&b.due_on)
            .then_with(|| pilote_domain::french_cmp(&a.name, &b.name))
    });
    Ok(due)
}

/// An incubator's cadence.
pub fn cadence(conn: &mut DbConnection, incubator: &Slug) -> StoreResult<CommitteeCadence> {
    let (id, months): (i64, i32) = inc::table
        .filter(inc::slug.eq(incubator.as_ref()))
        .select((inc::id, inc::committee_months))
        .first(conn)
        .not_found("incubator")?;
    CommitteeCadence::new(months.into()).map_err(|e| corrupt("incubators", id, e))
}

/// Sets an incubator's cadence, audited when it changes.
pub fn set_cadence(
    conn: &mut DbConnection,
    incubator: &Slug,
    cadence: CommitteeCadence,
    actor: Actor,
) -> StoreResult<()> {
    let before = self::cadence(conn, incubator)?;
    if before == cadence {
        return Ok(());
    }
    let months = i32::try_from(cadence.months()).unwrap_or(i32::MAX);
    diesel::update(inc::table.filter(inc::slug.eq(incubator.as_ref())))
        .set(inc::committee_months.eq(months))
        .execute(conn)?;
    let state = |c: CommitteeCadence| {
        Some(serde_json::json!({ "committee_months": c.months() }).to_string())
    };
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: "incubator.committee_cadence",
            entity: "incubator",
            entity_key: incubator.to_string(),
            before: state(before),
            after: state(cadence),
        },
    )
}
