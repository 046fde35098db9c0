//! Appels à candidatures (issue 24): creating a campaign, reading it with its funnel, and
//! the funnels of the open data. Applications, the jury and launching an investigation are in
//! [`super::applications`]. The JSON routes and the pages share both.

use actix_web::web;
use chrono::{NaiveDate, Utc};
use pilote_domain::{Audience, Campaign, Criterion, Funnel, Slug, access::Action};
use pilote_store::{
    CampaignId, Database, DbConnection, StoreResult,
    repo::campaigns::{self, CampaignFunnel},
};

use crate::{access, auth::Principal, db, error::ApiError, service::scope};

/// One criterion as a caller sends it.
#[derive(Clone, Debug, Default)]
pub struct NewCriterion {
    pub key: String,
    pub label: String,
    pub weight: i64,
}

/// A new campaign as a caller describes it; the domain checks every field.
#[derive(Clone, Debug)]
pub struct NewCampaign {
    pub slug: String,
    pub title: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub audience: String,
    pub description: String,
    pub criteria: Vec<NewCriterion>,
}

impl NewCampaign {
    /// The campaign, checked (422 naming the field), for `incubator`.
    pub fn into_campaign(self, incubator: Slug) -> Result<Campaign, ApiError> {
        let criteria = self
            .criteria
            .into_iter()
            .map(|c| Criterion {
                key: c.key.trim().to_owned(),
                label: c.label.trim().to_owned(),
                // Out of range for u32 is out of range for the rule too: 0 says so.
                weight: u32::try_from(c.weight).unwrap_or(0),
            })
            .collect();
        let campaign = Campaign {
            slug: Slug::parse(&self.slug)?,
            incubator,
            title: self.title.trim().to_owned(),
            opens_on: self.opens_on,
            closes_on: self.closes_on,
            audience: Audience::parse(&self.audience)?,
            description: self.description.trim().to_owned(),
            criteria,
        };
        campaign.validate()?;
        Ok(campaign)
    }
}

/// Creates a campaign in an incubator, if `principal` manages it (403 otherwise; 404 for an
/// unknown incubator, 409 for a slug taken). Audited.
pub async fn create(
    db: &web::Data<Database>,
    principal: &Principal,
    incubator: &str,
    new: NewCampaign,
) -> Result<Slug, ApiError> {
    let incubator = scope::slug(incubator, "incubator")?;
    access::person_allowed(
        principal,
        Action::Manage {
            incubator: &incubator,
        },
    )?;
    let campaign = new.into_campaign(incubator)?;
    let actor = access::actor(principal);
    let slug = campaign.slug.clone();
    db::write(db, move |c| campaigns::create(c, &campaign, actor)).await?;
    Ok(slug)
}

/// A campaign with what its readers see beside it.
#[derive(Clone, Debug)]
pub struct CampaignView {
    pub id: CampaignId,
    pub campaign: Campaign,
    /// Whether applications are taken today.
    pub open: bool,
    /// Aggregate counts only: also in the open data.
    pub funnel: Funnel,
    /// Whether the reader manages the campaign's incubator.
    pub managed: bool,
}

/// Whether `principal` manages `incubator` (`None`: anonymous).
pub fn manages(principal: Option<&Principal>, incubator: &Slug) -> bool {
    principal
        .and_then(|p| access::person(p).ok())
        .is_some_and(|user| access::require(user, Action::Manage { incubator }).is_ok())
}

/// 401 for anonymous, 403 for anyone who does not manage `incubator`.
pub fn require_manager(principal: Option<&Principal>, incubator: &Slug) -> Result<(), ApiError> {
    let principal = principal.ok_or(ApiError::Unauthorized("sign in to do this"))?;
    access::person_allowed(principal, Action::Manage { incubator }).map(drop)
}

/// A campaign: anyone may read an open one; one that is not open (yet or any more) only its
/// incubator's managers (401 anonymous, 403 others); 404 for an unknown slug.
pub async fn get(
    db: &web::Data<Database>,
    principal: Option<&Principal>,
    slug: &str,
) -> Result<CampaignView, ApiError> {
    let slug = scope::slug(slug, "campaign")?;
    let (id, campaign, funnel) = db::read(db, move |c| {
        let (id, campaign) = campaigns::find(c, &slug)?;
        let funnel = funnel_of(c, id)?;
        Ok((id, campaign, funnel))
    })
    .await?;
    let open = campaign.is_open(Utc::now().date_naive());
    let managed = manages(principal, &campaign.incubator);
    if !open && !managed {
        require_manager(principal, &campaign.incubator)?;
    }
    Ok(CampaignView {
        id,
        campaign,
        open,
        funnel,
        managed,
    })
}

fn funnel_of(c: &mut DbConnection, id: CampaignId) -> StoreResult<Funnel> {
    Ok(campaigns::funnels(c, Some(id))?
        .pop()
        .map(|f| f.funnel)
        .unwrap_or_default())
}

/// The campaigns of the incubators `principal` manages (every campaign for an admin), the
/// latest first, each with its funnel; 401/403 for anyone who manages none.
pub async fn managed(
    db: &web::Data<Database>,
    principal: &Principal,
) -> Result<Vec<(Campaign, Funnel)>, ApiError> {
    let user = access::person(principal)?;
    let rows = db::read(db, |c| {
        let all = campaigns::list(c, None)?;
        let funnels = campaigns::funnels(c, None)?;
        Ok((all, funnels))
    })
    .await?;
    let (all, funnels) = rows;
    let mine: Vec<_> = all
        .into_iter()
        .filter(|(_, campaign)| {
            access::require(
                user,
                Action::Manage {
                    incubator: &campaign.incubator,
                },
            )
            .is_ok()
        })
        .map(|(_, campaign)| {
            let funnel = funnels
                .iter()
                .find(|f| f.campaign == campaign.slug)
                .map(|f| f.funnel)
                .unwrap_or_default();
            (campaign, funnel)
        })
        .collect();
    Ok(mine)
}

/// Every campaign's funnel and the sums per year: aggregate counts only, never a person's
/// data (the open data and the portfolio page).
pub async fn funnels(
    db: &web::Data<Database>,
) -> Result<(Vec<CampaignFunnel>, Vec<(i32, Funnel)>), ApiError> {
    let all = db::read(db, |c| campaigns::funnels(c, None)).await?;
    let years = campaigns::per_year(&all);
    Ok((all, years))
}
