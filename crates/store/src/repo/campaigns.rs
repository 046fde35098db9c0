//! Appels à candidatures: the campaigns of an incubator, their criteria, and their funnel.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use pilote_domain::{Audience, Campaign, Criterion, Funnel, Reached, Slug};

use crate::{
    clock,
    connection::DbConnection,
    error::{NotFoundExt, StoreResult, corrupt},
    ids::{Actor, CampaignId},
    repo::{audit, incubators},
    schema::{
        application_status_history as hist, applications as apps, campaign_criteria as crit,
        campaigns, incubators as inc, phases,
    },
};

#[derive(Queryable, Selectable)]
#[diesel(table_name = campaigns)]
struct CampaignRow {
    id: i64,
    slug: String,
    title: String,
    opens_on: NaiveDate,
    closes_on: NaiveDate,
    audience: String,
    description: String,
}

/// Stores a new campaign and its criteria, after checking them; audited.
pub fn create(
    conn: &mut DbConnection,
    campaign: &Campaign,
    actor: Actor,
) -> StoreResult<CampaignId> {
    campaign.validate()?;
    let (incubator_id, _) = incubators::find(conn, &campaign.incubator)?;
    let id = diesel::insert_into(campaigns::table)
        .values((
            campaigns::slug.eq(campaign.slug.as_ref()),
            campaigns::incubator_id.eq(incubator_id.0),
            campaigns::title.eq(&campaign.title),
            campaigns::opens_on.eq(campaign.opens_on),
            campaigns::closes_on.eq(campaign.closes_on),
            campaigns::audience.eq(campaign.audience.as_str()),
            campaigns::description.eq(&campaign.description),
            campaigns::created_by.eq(actor.user_id()),
            campaigns::created_at.eq(clock::now()),
        ))
        .returning(campaigns::id)
        .get_result(conn)?;
    for (position, criterion) in campaign.criteria.iter().enumerate() {
        diesel::insert_into(crit::table)
            .values((
                crit::campaign_id.eq(id),
                crit::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                crit::key.eq(&criterion.key),
                crit::label.eq(&criterion.label),
                crit::weight.eq(i32::try_from(criterion.weight).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: "campaign.create",
            entity: "campaign",
            entity_key: campaign.slug.to_string(),
            before: None,
            after: Some(serde_json::to_string(campaign).unwrap_or_default()),
        },
    )?;
    Ok(CampaignId(id))
}

/// The campaign with this slug.
pub fn find(conn: &mut DbConnection, slug: &Slug) -> StoreResult<(CampaignId, Campaign)> {
    let id = campaigns::table
        .filter(campaigns::slug.eq(slug.as_ref()))
        .select(campaigns::id)
        .first(conn)
        .not_found("campaign")?;
    get(conn, CampaignId(id)).map(|c| (CampaignId(id), c))
}

/// The campaign with this id.
pub fn get(conn: &mut DbConnection, id: CampaignId) -> StoreResult<Campaign> {
    let (row, incubator) = campaigns::table
        .inner_join(inc::table)
        .filter(campaigns::id.eq(id.0))
        .select((CampaignRow::as_select(), inc::slug))
        .first::<(CampaignRow, String)>(conn)
        .not_found("campaign")?;
    let criteria = criteria(conn, id)?;
    into_domain(row, &incubator, criteria)
}

/// Every campaign (of one incubator, if given), the latest opening first.
pub fn list(
    conn: &mut DbConnection,
    incubator: Option<&Slug>,
) -> StoreResult<Vec<(CampaignId, Campaign)>> {
    let mut query = campaigns::table
        .inner_join(inc::table)
        .select((CampaignRow::as_select(), inc::slug))
        .order((campaigns::opens_on.desc(), campaigns::id.desc()))
        .into_boxed();
    if let Some(slug) = incubator {
        query = query.filter(inc::slug.eq(slug.as_ref().to_owned()));
    }
    let rows: Vec<(CampaignRow, String)> = query.load(conn)?;
    rows.into_iter()
        .map(|(row, incubator)| {
            let id = CampaignId(row.id);
            let criteria = criteria(conn, id)?;
            Ok((id, into_domain(row, &incubator, criteria)?))
        })
        .collect()
}

fn criteria(conn: &mut DbConnection, id: CampaignId) -> StoreResult<Vec<Criterion>> {
    let rows: Vec<(String, String, i32)> = crit::table
        .filter(crit::campaign_id.eq(id.0))
        .order(crit::position)
        .select((crit::key, crit::label, crit::weight))
        .load(conn)?;
    rows.into_iter()
        .map(|(key, label, weight)| {
            Ok(Criterion {
                weight: u32::try_from(weight).map_err(|e| corrupt("campaign_criteria", &key, e))?,
                key,
                label,
            })
        })
        .collect()
}

fn into_domain(
    row: CampaignRow,
    incubator: &str,
    criteria: Vec<Criterion>,
) -> StoreResult<Campaign> {
    let bad = |e: pilote_domain::DomainError| corrupt("campaigns", row.id, e);
    Ok(Campaign {
        slug: Slug::parse(&row.slug).map_err(bad)?,
        incubator: Slug::parse(incubator).map_err(bad)?,
        audience: Audience::parse(&row.audience).map_err(bad)?,
        title: row.title,
        opens_on: row.opens_on,
        closes_on: row.closes_on,
        description: row.description,
        criteria,
    })
}

/// One campaign's funnel, with what the open data names it by (never a person's data).
#[derive(Clone, Debug, PartialEq)]
pub struct CampaignFunnel {
    pub campaign: Slug,
    pub incubator: Slug,
    pub title: String,
    /// The year the campaign opened, which its funnel counts towards.
    pub year: i32,
    pub funnel: Funnel,
}

/// The funnel of every campaign (or of one): applications received, preselected at some
/// point (the history keeps it even after a rejection), selected, investigations launched
/// from them and those that reached construction; the latest opening first.
pub fn funnels(
    conn: &mut DbConnection,
    only: Option<CampaignId>,
) -> StoreResult<Vec<CampaignFunnel>> {
    let mut query = campaigns::table
        .inner_join(inc::table)
        .select((
            campaigns::id,
            campaigns::slug,
            inc::slug,
            campaigns::title,
            campaigns::opens_on,
        ))
        .order((campaigns::opens_on.desc(), campaigns::id.desc()))
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(campaigns::id.eq(id.0));
    }
    let rows: Vec<(i64, String, String, String, NaiveDate)> = query.load(conn)?;
    let applications: Vec<(i64, i64, String, Option<i64>)> = apps::table
        .select((apps::id, apps::campaign_id, apps::status, apps::product_id))
        .load(conn)?;
    let preselected: HashSet<i64> = hist::table
        .filter(hist::status.eq("preselected"))
        .select(hist::application_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let constructed: HashSet<i64> = phases::table
        .filter(phases::phase.eq("construction"))
        .select(phases::product_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let mut by_campaign: BTreeMap<i64, Funnel> = BTreeMap::new();
    for (id, campaign, status, product) in applications {
        by_campaign.entry(campaign).or_default().add(Reached {
            preselected: preselected.contains(&id),
            selected: status == "selected",
            investigation: product.is_some(),
            construction: product.is_some_and(|p| constructed.contains(&p)),
        });
    }
    rows.into_iter()
        .map(|(id, slug, incubator, title, opens_on)| {
            let bad = |e: pilote_domain::DomainError| corrupt("campaigns", id, e);
            Ok(CampaignFunnel {
                campaign: Slug::parse(&slug).map_err(bad)?,
                incubator: Slug::parse(&incubator).map_err(bad)?,
                title,
                year: opens_on.year(),
                funnel: by_campaign.get(&id).copied().unwrap_or_default(),
            })
        })
        .collect()
}

/// Sums campaign funnels per year (the year each campaign opened), the latest first.
pub fn per_year(funnels: &[CampaignFunnel]) -> Vec<(i32, Funnel)> {
    pilote_domain::funnel_per_year(funnels.iter().map(|f| (f.year, f.funnel)))
}
