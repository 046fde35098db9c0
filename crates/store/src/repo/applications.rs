//! Applications to a campaign: submitted, moved through their statuses (history kept),
//! scored by the jury (one row per juror), and linked to the product launched from them.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use pilote_domain::{
    Application, ApplicationStatus, Conflict, Consents, DomainError, Email, Intrapreneur,
    ScoreSheet, Slug,
};

use crate::{
    clock,
    connection::DbConnection,
    error::{StoreError, StoreResult, corrupt},
    ids::{Actor, ApplicationId, CampaignId, ProductId, UserId},
    repo::audit,
    schema::{
        application_scores as scores, application_status_history as hist, applications as apps,
        campaigns, products,
    },
};

/// An application as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredApplication {
    pub id: ApplicationId,
    pub campaign_id: CampaignId,
    pub campaign: Slug,
    pub status: ApplicationStatus,
    pub application: Application,
    /// Who submitted it, when signed in.
    pub submitted_by: Option<UserId>,
    pub submitted_at: NaiveDateTime,
    /// The product launched from it, if any.
    pub product: Option<Slug>,
}

/// One status the application took.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusChange {
    pub status: ApplicationStatus,
    pub reason: Option<String>,
    pub actor: Option<UserId>,
    pub at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = apps)]
struct Row {
    id: i64,
    campaign_id: i64,
    status: String,
    title: String,
    problem: String,
    who_suffers: String,
    current_workaround: String,
    first_users: String,
    intrapreneur_name: String,
    intrapreneur_email: String,
    availability_percent: i32,
    sponsor: String,
    consents: String,
    submitted_by: Option<i64>,
    submitted_at: NaiveDateTime,
}

impl Row {
    fn into_stored(
        self,
        campaign: String,
        product: Option<String>,
    ) -> StoreResult<StoredApplication> {
        let id = self.id;
        let bad = |e: &dyn std::fmt::Display| corrupt("applications", id, e);
        let consents: Consents = serde_json::from_str(&self.consents).map_err(|e| bad(&e))?;
        Ok(StoredApplication {
            id: ApplicationId(id),
            campaign_id: CampaignId(self.campaign_id),
            campaign: Slug::parse(&campaign).map_err(|e| bad(&e))?,
            status: ApplicationStatus::parse(&self.status).map_err(|e| bad(&e))?,
            application: Application {
                title: self.title,
                problem: self.problem,
                who_suffers: self.who_suffers,
                current_workaround: self.current_workaround,
                first_users: self.first_users,
                intrapreneur: Intrapreneur {
                    name: self.intrapreneur_name,
                    email: Email::parse(&self.intrapreneur_email).map_err(|e| bad(&e))?,
                    availability_percent: u8::try_from(self.availability_percent)
                        .map_err(|e| bad(&e))?,
                },
                sponsor: self.sponsor,
                consents,
            },
            submitted_by: self.submitted_by.map(UserId),
            submitted_at: self.submitted_at,
            product: product
                .map(|p| Slug::parse(&p).map_err(|e| bad(&e)))
                .transpose()?,
        })
    }
}

/// Stores a new application, received, after checking it; its first status in the history;
/// audited (the title and campaign only: the person's answers stay in their row).
pub fn submit(
    conn: &mut DbConnection,
    campaign: CampaignId,
    application: &Application,
    actor: Actor,
) -> StoreResult<ApplicationId> {
    application.validate()?;
    let a = application;
    let now = clock::now();
    let id: i64 = diesel::insert_into(apps::table)
        .values((
            apps::campaign_id.eq(campaign.0),
            apps::status.eq(ApplicationStatus::Received.as_str()),
            apps::title.eq(a.title.trim()),
            apps::problem.eq(a.problem.trim()),
            apps::who_suffers.eq(a.who_suffers.trim()),
            apps::current_workaround.eq(a.current_workaround.trim()),
            apps::first_users.eq(a.first_users.trim()),
            apps::intrapreneur_name.eq(a.intrapreneur.name.trim()),
            apps::intrapreneur_email.eq(a.intrapreneur.email.as_ref()),
            apps::availability_percent.eq(i32::from(a.intrapreneur.availability_percent)),
            apps::sponsor.eq(a.sponsor.trim()),
            apps::consents.eq(serde_json::to_string(&a.consents).unwrap_or_default()),
            apps::submitted_by.eq(actor.user_id()),
            apps::submitted_at.eq(now),
        ))
        .returning(apps::id)
        .get_result(conn)?;
    add_history(conn, id, ApplicationStatus::Received, None, actor, now)?;
    log(
        conn,
        actor,
        "application.submit",
        id,
        None,
        serde_json::json!({ "campaign": campaign.0, "title": a.title.trim() }),
    )?;
    Ok(ApplicationId(id))
}

fn add_history(
    conn: &mut DbConnection,
    id: i64,
    status: ApplicationStatus,
    reason: Option<&str>,
    actor: Actor,
    at: NaiveDateTime,
) -> StoreResult<()> {
    diesel::insert_into(hist::table)
        .values((
            hist::application_id.eq(id),
            hist::status.eq(status.as_str()),
            hist::reason.eq(reason),
            hist::actor_id.eq(actor.user_id()),
            hist::changed_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

fn log(
    conn: &mut DbConnection,
    actor: Actor,
    action: &str,
    id: i64,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
) -> StoreResult<()> {
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action,
            entity: "application",
            entity_key: id.to_string(),
            before: before.map(|b| b.to_string()),
            after: Some(after.to_string()),
        },
    )
}

fn load(
    conn: &mut DbConnection,
    id: Option<ApplicationId>,
    campaign: Option<CampaignId>,
) -> StoreResult<Vec<StoredApplication>> {
    let mut query = apps::table
        .inner_join(campaigns::table)
        .left_join(products::table.on(apps::product_id.eq(products::id.nullable())))
        .select((Row::as_select(), campaigns::slug, products::slug.nullable()))
        .order(apps::id)
        .into_boxed();
    if let Some(id) = id {
        query = query.filter(apps::id.eq(id.0));
    }
    if let Some(campaign) = campaign {
        query = query.filter(apps::campaign_id.eq(campaign.0));
    }
    let rows: Vec<(Row, String, Option<String>)> = query.load(conn)?;
    rows.into_iter()
        .map(|(row, campaign, product)| row.into_stored(campaign, product))
        .collect()
}

/// The application with this id.
pub fn get(conn: &mut DbConnection, id: ApplicationId) -> StoreResult<StoredApplication> {
    load(conn, Some(id), None)?
        .pop()
        .ok_or(StoreError::NotFound {
            what: "application",
        })
}

/// A campaign's applications, in the order they came.
pub fn list(conn: &mut DbConnection, campaign: CampaignId) -> StoreResult<Vec<StoredApplication>> {
    load(conn, None, Some(campaign))
}

/// The statuses an application took, oldest first.
pub fn history(conn: &mut DbConnection, id: ApplicationId) -> StoreResult<Vec<StatusChange>> {
    let rows: Vec<(String, Option<String>, Option<i64>, NaiveDateTime)> = hist::table
        .filter(hist::application_id.eq(id.0))
        .order(hist::id)
        .select((hist::status, hist::reason, hist::actor_id, hist::changed_at))
        .load(conn)?;
    rows.into_iter()
        .map(|(status, reason, actor, at)| {
            Ok(StatusChange {
                status: ApplicationStatus::parse(&status)
                    .map_err(|e| corrupt("application_status_history", id, e))?,
                reason,
                actor: actor.map(UserId),
                at,
            })
        })
        .collect()
}

/// Moves an application to `to` if the domain allows it from its current status (reason
/// required for a rejection); the change joins the history; audited. A concurrent move
/// makes this one a conflict rather than be lost.
pub fn set_status(
    conn: &mut DbConnection,
    id: ApplicationId,
    to: ApplicationStatus,
    reason: &str,
    actor: Actor,
) -> StoreResult<()> {
    let from = get(conn, id)?.status;
    let reason = from.change(to, reason)?;
    let moved = diesel::update(
        apps::table
            .filter(apps::id.eq(id.0))
            .filter(apps::status.eq(from.as_str())),
    )
    .set(apps::status.eq(to.as_str()))
    .execute(conn)?;
    if moved != 1 {
        return Err(DomainError::Conflict(Conflict::rule(
            "the application's status changed meanwhile",
            "Le statut de la candidature a changé entre-temps.",
        ))
        .into());
    }
    add_history(conn, id.0, to, reason.as_deref(), actor, clock::now())?;
    log(
        conn,
        actor,
        "application.status",
        id.0,
        Some(serde_json::json!({ "status": from.as_str() })),
        serde_json::json!({ "status": to.as_str(), "reason": reason }),
    )
}

/// Saves a juror's scores of an application, replacing theirs if any (one row per juror per
/// application); audited with the sheet before and after.
pub fn put_scores(
    conn: &mut DbConnection,
    id: ApplicationId,
    juror: UserId,
    sheet: &ScoreSheet,
    actor: Actor,
) -> StoreResult<()> {
    let mine = scores::table
        .filter(scores::application_id.eq(id.0))
        .filter(scores::juror_id.eq(juror.0));
    let before: Option<(bool, String)> = mine
        .select((scores::conflict_of_interest, scores::scores))
        .first(conn)
        .optional()?;
    diesel::delete(mine).execute(conn)?;
    let json = serde_json::to_string(&sheet.scores).unwrap_or_default();
    diesel::insert_into(scores::table)
        .values((
            scores::application_id.eq(id.0),
            scores::juror_id.eq(juror.0),
            scores::conflict_of_interest.eq(sheet.conflict_of_interest),
            scores::scores.eq(&json),
            scores::updated_at.eq(clock::now()),
        ))
        .execute(conn)?;
    let describe = |conflict: bool, scores: &str| {
        serde_json::json!({
            "juror": juror.0,
            "conflict_of_interest": conflict,
            "scores": serde_json::from_str::<serde_json::Value>(scores).unwrap_or_default(),
        })
    };
    log(
        conn,
        actor,
        "application.score",
        id.0,
        before.map(|(c, s)| describe(c, &s)),
        describe(sheet.conflict_of_interest, &json),
    )
}

/// Every juror's sheet of every application of a campaign.
pub fn sheets(
    conn: &mut DbConnection,
    campaign: CampaignId,
) -> StoreResult<HashMap<ApplicationId, Vec<(UserId, ScoreSheet)>>> {
    let rows: Vec<(i64, i64, bool, String)> = scores::table
        .inner_join(apps::table)
        .filter(apps::campaign_id.eq(campaign.0))
        .order(scores::id)
        .select((
            scores::application_id,
            scores::juror_id,
            scores::conflict_of_interest,
            scores::scores,
        ))
        .load(conn)?;
    let mut all: HashMap<ApplicationId, Vec<(UserId, ScoreSheet)>> = HashMap::new();
    for (application, juror, conflict_of_interest, json) in rows {
        let scores: BTreeMap<String, u8> = serde_json::from_str(&json)
            .map_err(|e| corrupt("application_scores", application, e))?;
        all.entry(ApplicationId(application)).or_default().push((
            UserId(juror),
            ScoreSheet {
                conflict_of_interest,
                scores,
            },
        ));
    }
    Ok(all)
}

/// Links an application to the product launched from it; a conflict if it has one already.
/// Audited.
pub fn link_product(
    conn: &mut DbConnection,
    id: ApplicationId,
    product: ProductId,
    actor: Actor,
) -> StoreResult<()> {
    let linked = diesel::update(
        apps::table
            .filter(apps::id.eq(id.0))
            .filter(apps::product_id.is_null()),
    )
    .set(apps::product_id.eq(product.0))
    .execute(conn)?;
    if linked != 1 {
        return Err(DomainError::Conflict(Conflict::rule(
            "an investigation was already launched from this application",
            "Une investigation a déjà été lancée depuis cette candidature.",
        ))
        .into());
    }
    log(
        conn,
        actor,
        "application.launch",
        id.0,
        None,
        serde_json::json!({ "product": product.0 }),
    )
}

/// The application a product was launched from, if any.
pub fn of_product(
    conn: &mut DbConnection,
    product: ProductId,
) -> StoreResult<Option<ApplicationId>> {
    Ok(apps::table
        .filter(apps::product_id.eq(product.0))
        .select(apps::id)
        .first(conn)
        .optional()?
        .map(ApplicationId))
}

/// Every product launched from an application, with that application.
pub fn by_product(conn: &mut DbConnection) -> StoreResult<HashMap<ProductId, ApplicationId>> {
    let rows: Vec<(Option<i64>, i64)> = apps::table
        .filter(apps::product_id.is_not_null())
        .select((apps::product_id, apps::id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, a)| p.map(|p| (ProductId(p), ApplicationId(a))))
        .collect())
}
