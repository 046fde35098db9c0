//! Gathers the weekly digest (`pilote_domain::Digest`) of the running products, of one
//! incubator or all, from the rules that already exist: the pulse (late teams), the contract
//! status (objective statuses, next review), the phase limits (overdue) and the matrix.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use diesel::prelude::*;
use pilote_domain::{
    CommitteeEntry, Digest, DigestProduct, IncompleteMatrix, OverdueEntry, Period, ProductStatus,
    REVIEW_HORIZON_DAYS, ReviewDue, SlotState, Slug, StatusChange, SuspectEntry, iso_week_label,
};

use crate::{
    connection::DbConnection,
    error::StoreResult,
    ids::ProductId,
    repo::{committees, contract_status, contracts, matrix, products, pulse},
    schema::{indicators, measures},
};

/// The digest of `week` (an ISO week), seen as of its Sunday.
pub fn of_week(
    conn: &mut DbConnection,
    incubator: Option<&Slug>,
    week: Period,
) -> StoreResult<Digest> {
    let (from, to) = (week.start(), week.end());
    let running: Vec<_> = products::overviews(conn, incubator, to)?
        .into_iter()
        .filter(|o| o.status != ProductStatus::Stopped)
        .collect();
    let named = |o: &products::ProductOverview| DigestProduct {
        slug: o.product.slug.to_string(),
        name: o.product.name.clone(),
    };

    // Seen from the Monday after, the digest's week is the last complete one.
    let monday_after = to.checked_add_days(Days::new(1)).unwrap_or(to);
    let pulses = pulse::pulses(conn, monday_after)?;
    let late_teams = running
        .iter()
        .filter(|o| pulses.get(&o.id).is_some_and(|p| p.late))
        .map(named)
        .collect();

    let overdue_products = running
        .iter()
        .filter_map(|o| {
            let since = o.overdue_since?;
            Some(OverdueEntry {
                product: named(o),
                phase: o.status.label_fr().to_owned(),
                overdue_since: since,
            })
        })
        .collect();

    let mut status_changes = Vec::new();
    let mut reviews_due = Vec::new();
    let horizon = to
        .checked_add_days(Days::new(REVIEW_HORIZON_DAYS))
        .unwrap_or(to);
    let day_before = from.pred_opt().unwrap_or(from);
    for o in &running {
        if contracts::find(conn, o.id)?.is_none() {
            continue;
        }
        let now = contract_status::at(conn, o.id, to)?;
        let before = contract_status::at(conn, o.id, day_before)?;
        let previous: HashMap<i64, _> =
            before.objectives.iter().map(|l| (l.id, l.status)).collect();
        for line in &now.objectives {
            if let Some(&was) = previous.get(&line.id)
                && was != line.status
            {
                status_changes.push(StatusChange {
                    product: named(o),
                    indicator: line.label.clone(),
                    before: was,
                    after: line.status,
                });
            }
        }
        if now.next_review <= horizon {
            reviews_due.push(ReviewDue {
                product: named(o),
                due_on: now.next_review,
                overdue: now.review_overdue,
            });
        }
    }
    reviews_due.sort_by_key(|r| r.due_on);

    let mut incomplete_matrices = Vec::new();
    for o in &running {
        let m = matrix::at(conn, o.id, to)?;
        let gaps: Vec<_> = m
            .slots
            .iter()
            .filter(|s| s.state != SlotState::Ok)
            .map(|s| (s.role, s.state))
            .collect();
        if !gaps.is_empty() {
            incomplete_matrices.push(IncompleteMatrix {
                product: named(o),
                ok: m.slots.len() - gaps.len(),
                gaps,
            });
        }
    }

    let committees = committees::due(conn, incubator, to)?
        .into_iter()
        .map(|c| CommitteeEntry {
            product: DigestProduct {
                slug: c.slug.to_string(),
                name: c.name,
            },
            due_on: c.due_on,
            state: c.state,
        })
        .collect();

    Ok(Digest {
        committees,
        week: iso_week_label(week),
        from,
        to,
        incubator: incubator.map(ToString::to_string),
        late_teams,
        status_changes,
        suspect_values: suspect_values(conn, &running, to, named)?,
        overdue_products,
        reviews_due,
        incomplete_matrices,
    })
}

/// The values of `running` products still flagged as suspect, periods up to `to`.
fn suspect_values(
    conn: &mut DbConnection,
    running: &[products::ProductOverview],
    to: NaiveDate,
    named: impl Fn(&products::ProductOverview) -> DigestProduct,
) -> StoreResult<Vec<SuspectEntry>> {
    let by_id: HashMap<ProductId, &products::ProductOverview> =
        running.iter().map(|o| (o.id, o)).collect();
    let ids: Vec<i64> = running.iter().map(|o| o.id.0).collect();
    let rows: Vec<(i64, String, NaiveDate, f64)> = measures::table
        .inner_join(indicators::table)
        .filter(measures::suspect.eq(true))
        .filter(measures::period.le(to))
        .filter(indicators::product_id.eq_any(ids))
        .order((indicators::product_id, indicators::key, measures::period))
        .select((
            indicators::product_id,
            indicators::label,
            measures::period,
            measures::value,
        ))
        .load(conn)?;
    // In the order of `running` (French alphabetical), then by indicator label and period.
    let rank: HashMap<ProductId, usize> =
        running.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
    let mut rows = rows;
    rows.sort_by(|a, b| {
        let place = |id: i64| rank.get(&ProductId(id)).copied().unwrap_or(usize::MAX);
        place(a.0)
            .cmp(&place(b.0))
            .then_with(|| pilote_domain::french_cmp(&a.1, &b.1))
            .then(a.2.cmp(&b.2))
    });
    Ok(rows
        .into_iter()
        .filter_map(|(product, indicator, period, value)| {
            let o = by_id.get(&ProductId(product))?;
            Some(SuspectEntry {
                product: named(o),
                indicator,
                period,
                value,
            })
        })
        .collect())
}
