//! Applications to a campaign (issue 24): submitting one (rate-limited, confirmed by e-mail),
//! the managers' reading and statuses, the jury's scores and ranking, and launching an
//! investigation from a selected application. The JSON routes and the pages share it.

use std::collections::BTreeMap;

use actix_web::web;
use chrono::{NaiveDate, Utc};
use pilote_domain::{
    Application, ApplicationStatus, Campaign, Conflict, Consents, DomainError, Email, Intrapreneur,
    ScoreSheet, Slug, Tally, rank, tally,
};
use pilote_store::{
    Actor, ApplicationId, Database, UserId, clock,
    repo::{
        applications::{self, StatusChange, StoredApplication},
        campaigns,
        irritants::Irritant,
        products,
    },
};

use crate::{
    access,
    auth::{
        Principal,
        login::{self, APPLICATION},
    },
    db,
    error::ApiError,
    mail::{self, Outbox},
    service::{campaigns::require_manager, products::NewProduct, scope},
};

/// An application as a caller sends it; [`ApplicationInput::into_application`] checks it.
#[derive(Clone, Debug, Default)]
pub struct ApplicationInput {
    pub title: String,
    pub problem: String,
    pub who_suffers: String,
    pub current_workaround: String,
    pub first_users: String,
    pub intrapreneur_name: String,
    pub intrapreneur_email: String,
    pub availability_percent: i64,
    pub sponsor: String,
    pub consents: Consents,
}

impl ApplicationInput {
    /// The application, checked: 422 naming the field at fault.
    pub fn into_application(self) -> Result<Application, ApiError> {
        let email = Email::parse(&self.intrapreneur_email)
            .map_err(|e| e.with_field("intrapreneur.email"))?;
        let application = Application {
            title: self.title.trim().to_owned(),
            problem: self.problem.trim().to_owned(),
            who_suffers: self.who_suffers.trim().to_owned(),
            current_workaround: self.current_workaround.trim().to_owned(),
            first_users: self.first_users.trim().to_owned(),
            intrapreneur: Intrapreneur {
                name: self.intrapreneur_name.trim().to_owned(),
                email,
                // Out of range for u8 is out of range for the rule too: 0 says so.
                availability_percent: u8::try_from(self.availability_percent).unwrap_or(0),
            },
            sponsor: self.sponsor.trim().to_owned(),
            consents: self.consents,
        };
        application.validate()?;
        Ok(application)
    }
}

/// Submits an application to the campaign `slug` from the client `ip`: 404 unknown, 409 not
/// taking applications today; an `agents` campaign wants someone signed in (401, 403 for an
/// API token), a `public` one takes anyone. Rate-limited ([`APPLICATION`], 429). Audited; the
/// intrapreneur gets a confirmation when SMTP is set.
pub async fn submit(
    db: &web::Data<Database>,
    outbox: &Outbox,
    principal: Option<&Principal>,
    slug: &str,
    input: ApplicationInput,
    ip: &str,
) -> Result<ApplicationId, ApiError> {
    let slug = scope::slug(slug, "campaign")?;
    let (campaign_id, campaign) = db::read(db, move |c| campaigns::find(c, &slug)).await?;
    if !campaign.is_open(Utc::now().date_naive()) {
        return Err(DomainError::Conflict(Conflict::rule(
            "the campaign is not taking applications",
            "Cet appel ne reçoit pas de candidatures aujourd'hui.",
        ))
        .into());
    }
    let actor = match principal {
        Some(principal) => Actor::User(access::person(principal)?.id),
        None if campaign.audience == pilote_domain::Audience::Agents => {
            return Err(ApiError::Unauthorized("sign in to apply to this campaign"));
        }
        None => Actor::Anonymous,
    };
    let application = input.into_application()?;
    let key = login::email_key(application.intrapreneur.email.as_ref());
    let ip = ip.to_owned();
    let stored = application.clone();
    let admitted = db::write(db, move |c| {
        Ok(
            match login::admit(c, &APPLICATION, &key, &ip, clock::now())? {
                Ok(_) => Ok(applications::submit(c, campaign_id, &stored, actor)?),
                Err(wait) => Err(wait),
            },
        )
    })
    .await?;
    let id = admitted.map_err(|retry_after_secs| ApiError::TooManyRequests { retry_after_secs })?;
    if let Some(mailer) = outbox.mailer.clone() {
        let letter = mail::application_received(
            &application.intrapreneur.name,
            &campaign.title,
            &application.title,
            id.0,
        );
        let to = application.intrapreneur.email;
        // Not awaited: the applicant's answer does not wait for the SMTP server.
        actix_web::rt::spawn(async move {
            match web::block(move || mailer.send(&to, &letter)).await {
                Ok(Ok(())) => log::info!("confirmation of application {id} sent"),
                Ok(Err(e)) => log::warn!("confirmation of application {id} not sent: {e}"),
                Err(e) => log::warn!("confirmation of application {id} not sent: {e}"),
            }
        });
    }
    Ok(id)
}

/// An application as its managers read it.
#[derive(Clone, Debug)]
pub struct ApplicationView {
    pub stored: StoredApplication,
    pub campaign: Campaign,
    pub history: Vec<StatusChange>,
    /// The jury's result so far.
    pub tally: Tally,
    /// The reader's own sheet, if they scored it.
    pub mine: Option<ScoreSheet>,
    /// The irritants it answers, the most voted first.
    pub irritants: Vec<Irritant>,
}

/// One application, for its incubator's managers (401, 403; 404 unknown).
pub async fn get(
    db: &web::Data<Database>,
    principal: &Principal,
    id: i64,
) -> Result<ApplicationView, ApiError> {
    let id = ApplicationId(id);
    let (stored, campaign, history, sheets, irritants) = db::read(db, move |c| {
        let stored = applications::get(c, id)?;
        let campaign = campaigns::get(c, stored.campaign_id)?;
        let history = applications::history(c, id)?;
        let sheets = applications::sheets(c, stored.campaign_id)?
            .remove(&id)
            .unwrap_or_default();
        let irritants = super::irritants::of_application(c, id)?;
        Ok((stored, campaign, history, sheets, irritants))
    })
    .await?;
    require_manager(Some(principal), &campaign.incubator)?;
    let me = access::person(principal)?.id;
    let mine = sheets
        .iter()
        .find(|(j, _)| *j == me)
        .map(|(_, s)| s.clone());
    let all: Vec<ScoreSheet> = sheets.into_iter().map(|(_, s)| s).collect();
    Ok(ApplicationView {
        tally: tally(&campaign.criteria, &all),
        stored,
        campaign,
        history,
        mine,
        irritants,
    })
}

/// The campaign's applications, in the order they came, for its managers (401, 403, 404).
pub async fn list(
    db: &web::Data<Database>,
    principal: &Principal,
    slug: &str,
) -> Result<(Campaign, Vec<StoredApplication>), ApiError> {
    let (campaign, rows) = ranking_data(db, principal, slug).await?;
    Ok((campaign, rows.into_iter().map(|(a, _)| a).collect()))
}

/// The campaign's applications ranked by the weighted mean of the scores that count (a
/// conflicted juror's do not), each criterion's mean and the jurors; for its managers.
pub async fn ranking(
    db: &web::Data<Database>,
    principal: &Principal,
    slug: &str,
) -> Result<(Campaign, Vec<(StoredApplication, Tally)>), ApiError> {
    let (campaign, rows) = ranking_data(db, principal, slug).await?;
    Ok((campaign, rank(rows)))
}

async fn ranking_data(
    db: &web::Data<Database>,
    principal: &Principal,
    slug: &str,
) -> Result<(Campaign, Vec<(StoredApplication, Tally)>), ApiError> {
    let slug = scope::slug(slug, "campaign")?;
    let (campaign, listed, mut sheets) = db::read(db, move |c| {
        let (id, campaign) = campaigns::find(c, &slug)?;
        Ok((
            campaign,
            applications::list(c, id)?,
            applications::sheets(c, id)?,
        ))
    })
    .await?;
    require_manager(Some(principal), &campaign.incubator)?;
    let rows = listed
        .into_iter()
        .map(|a| {
            let sheets: Vec<ScoreSheet> = sheets
                .remove(&a.id)
                .unwrap_or_default()
                .into_iter()
                .map(|(_, s)| s)
                .collect();
            let t = tally(&campaign.criteria, &sheets);
            (a, t)
        })
        .collect();
    Ok((campaign, rows))
}

/// The application and its campaign, once the caller is known to manage it.
async fn managed(
    db: &web::Data<Database>,
    principal: &Principal,
    id: ApplicationId,
) -> Result<(StoredApplication, Campaign, UserId), ApiError> {
    let (stored, campaign) = db::read(db, move |c| {
        let stored = applications::get(c, id)?;
        let campaign = campaigns::get(c, stored.campaign_id)?;
        Ok((stored, campaign))
    })
    .await?;
    require_manager(Some(principal), &campaign.incubator)?;
    Ok((stored, campaign, access::person(principal)?.id))
}

/// Moves an application to `status` with `reason` (required for a rejection): one step
/// forward or rejected, never back (409). Its managers; audited.
pub async fn set_status(
    db: &web::Data<Database>,
    principal: &Principal,
    id: i64,
    status: &str,
    reason: &str,
) -> Result<ApplicationStatus, ApiError> {
    let id = ApplicationId(id);
    let to = ApplicationStatus::parse(status)?;
    managed(db, principal, id).await?;
    let actor = access::actor(principal);
    let reason = reason.to_owned();
    db::write(db, move |c| {
        applications::set_status(c, id, to, &reason, actor)
    })
    .await?;
    Ok(to)
}

/// Saves the caller's scores of an application (each criterion 0 to 5, every one unless a
/// conflict of interest is declared); their earlier sheet is replaced. Its managers; audited.
pub async fn put_scores(
    db: &web::Data<Database>,
    principal: &Principal,
    id: i64,
    scores: &BTreeMap<String, i64>,
    conflict_of_interest: bool,
) -> Result<ScoreSheet, ApiError> {
    let id = ApplicationId(id);
    let (_, campaign, juror) = managed(db, principal, id).await?;
    let sheet = ScoreSheet::new(&campaign.criteria, scores, conflict_of_interest)?;
    let actor = access::actor(principal);
    let saved = sheet.clone();
    db::write(db, move |c| {
        applications::put_scores(c, id, juror, &saved, actor)
    })
    .await?;
    Ok(sheet)
}

/// Launches an investigation from a selected application (409 otherwise, or if one was
/// launched already): the product `product_slug` in the campaign's incubator, starting on
/// `started_on` (today by default), named after the application, its pitch the problem's
/// first line, its problem the whole text, its sponsor the application's; linked both ways.
/// Its managers; audited (the product's creation and the link).
pub async fn launch(
    db: &web::Data<Database>,
    principal: &Principal,
    id: i64,
    product_slug: &str,
    started_on: Option<NaiveDate>,
) -> Result<Slug, ApiError> {
    let id = ApplicationId(id);
    let (stored, campaign, _) = managed(db, principal, id).await?;
    if stored.status != ApplicationStatus::Selected {
        return Err(DomainError::Conflict(Conflict::rule(
            "only a selected application can launch an investigation",
            "Seule une candidature retenue peut donner lieu à une investigation.",
        ))
        .into());
    }
    let slug = Slug::parse(product_slug).map_err(|e| e.with_field("product_slug"))?;
    let a = stored.application;
    let pitch: String = a
        .problem
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(1000)
        .collect();
    let product = NewProduct {
        slug: slug.to_string(),
        name: a.title.chars().take(200).collect(),
        pitch,
        incubator: campaign.incubator.to_string(),
        sponsor: a.sponsor,
        problem: Some(a.problem),
        started_on,
        published: false,
        website: None,
        repository: None,
    }
    .into_product(campaign.incubator)?;
    let actor = access::actor(principal);
    db::write(db, move |c| {
        let product_id = products::insert(c, &product, actor)?;
        applications::link_product(c, id, product_id, actor)
    })
    .await?;
    Ok(slug)
}
