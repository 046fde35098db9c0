//! Incubators: who runs a portfolio, and how long they expect each phase to last.

use diesel::prelude::*;
use pilote_domain::{Incubator, PhaseDurations, Slug};

use crate::{
    clock,
    connection::DbConnection,
    error::{NotFoundExt, StoreResult, corrupt},
    ids::IncubatorId,
    schema::incubators,
};

#[derive(Queryable, Selectable)]
#[diesel(table_name = incubators)]
struct IncubatorRow {
    id: i64,
    slug: String,
    name: String,
    administration: String,
    investigation_months: i32,
    construction_months: i32,
    acceleration_months: i32,
}

impl IncubatorRow {
    fn into_domain(self) -> StoreResult<(IncubatorId, Incubator)> {
        let slug = Slug::parse(&self.slug).map_err(|e| corrupt("incubators", self.id, e))?;
        let months = |m: i32| u32::try_from(m).map_err(|e| corrupt("incubators", self.id, e));
        let durations = PhaseDurations {
            investigation_months: months(self.investigation_months)?,
            construction_months: months(self.construction_months)?,
            acceleration_months: months(self.acceleration_months)?,
        };
        Ok((
            IncubatorId(self.id),
            Incubator {
                slug,
                name: self.name,
                administration: self.administration,
                durations,
            },
        ))
    }
}

fn months(m: u32) -> i32 {
    // Validated to 1..=120 by the domain before any write.
    i32::try_from(m).unwrap_or(i32::MAX)
}

/// Stores a new incubator after checking it; `Conflict` if the slug is taken.
pub fn insert(conn: &mut DbConnection, incubator: &Incubator) -> StoreResult<IncubatorId> {
    incubator.validate()?;
    incubator.durations.validate()?;
    let id = diesel::insert_into(incubators::table)
        .values((
            incubators::slug.eq(incubator.slug.as_ref()),
            incubators::name.eq(&incubator.name),
            incubators::administration.eq(&incubator.administration),
            incubators::investigation_months.eq(months(incubator.durations.investigation_months)),
            incubators::construction_months.eq(months(incubator.durations.construction_months)),
            incubators::acceleration_months.eq(months(incubator.durations.acceleration_months)),
            incubators::created_at.eq(clock::now()),
        ))
        .returning(incubators::id)
        .get_result(conn)?;
    Ok(IncubatorId(id))
}

/// The incubator with this slug.
pub fn find(conn: &mut DbConnection, slug: &Slug) -> StoreResult<(IncubatorId, Incubator)> {
    incubators::table
        .filter(incubators::slug.eq(slug.as_ref()))
        .select(IncubatorRow::as_select())
        .first(conn)
        .not_found("incubator")?
        .into_domain()
}

/// The incubator with this id.
pub fn get(conn: &mut DbConnection, id: IncubatorId) -> StoreResult<Incubator> {
    let row = incubators::table
        .find(id.0)
        .select(IncubatorRow::as_select())
        .first(conn)
        .not_found("incubator")?;
    Ok(row.into_domain()?.1)
}

/// Every incubator, in French alphabetical order of their names.
pub fn list(conn: &mut DbConnection) -> StoreResult<Vec<(IncubatorId, Incubator)>> {
    let mut all = incubators::table
        .order(incubators::id)
        .select(IncubatorRow::as_select())
        .load(conn)?
        .into_iter()
        .map(IncubatorRow::into_domain)
        .collect::<StoreResult<Vec<_>>>()?;
    all.sort_by(|(_, a), (_, b)| pilote_domain::french_cmp(&a.name, &b.name));
    Ok(all)
}
