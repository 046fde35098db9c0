//! Irritants submitted to an incubator, their votes (one per person: the author's submission
//! is their vote), the product that answers each, and its closing. Every write is audited
//! (entity `irritant`, key the id).
//!
//! The link to a campaign's application goes beside the product's: a nullable
//! `application_id` column, set by [`link_application`], the twin of [`link`].

use chrono::NaiveDateTime;
use diesel::prelude::*;
use pilote_domain::{ApplicationStatus, IrritantAnswer, IrritantStatus, NewIrritant, Slug};
use serde_json::json;

use crate::{
    clock,
    connection::DbConnection,
    error::{StoreError, StoreResult, corrupt},
    ids::{Actor, ApplicationId, IncubatorId, IrritantId, ProductId, UserId},
    repo::audit,
    schema::{applications, incubators, irritant_votes as votes, irritants, products, users},
    with_backend,
};

/// The product an irritant is linked to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedProduct {
    pub slug: Slug,
    pub name: String,
}

/// The campaign's application an irritant is linked to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedApplication {
    pub id: ApplicationId,
    pub title: String,
    pub status: ApplicationStatus,
}

/// An irritant as read: who wrote it, where it stands, its votes (and whether the reader gave
/// one).
#[derive(Clone, Debug, PartialEq)]
pub struct Irritant {
    pub id: IrritantId,
    pub incubator: Slug,
    pub author_id: UserId,
    pub author: String,
    pub title: String,
    pub description: String,
    pub status: IrritantStatus,
    pub answer: Option<String>,
    /// The name of whoever closed it.
    pub closed_by: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub product: Option<LinkedProduct>,
    /// The campaign's application that answers it.
    pub application: Option<LinkedApplication>,
    pub created_at: NaiveDateTime,
    pub votes: i64,
    pub voted_by_me: bool,
}

/// Which irritants to read.
#[derive(Clone, Copy, Debug, Default)]
pub struct IrritantFilter {
    pub id: Option<IrritantId>,
    pub incubator: Option<IncubatorId>,
    pub product: Option<ProductId>,
    pub application: Option<ApplicationId>,
    pub status: Option<IrritantStatus>,
}

type Row = (
    (i64, i64, String, String, String, Option<String>),
    (Option<i64>, Option<NaiveDateTime>, NaiveDateTime),
    String,
    String,
    Option<(String, String)>,
    Option<(i64, String, String)>,
);

/// Stores a new irritant of the incubator, with its author's vote.
pub fn create(
    conn: &mut DbConnection,
    incubator: IncubatorId,
    author: UserId,
    new: &NewIrritant,
    actor: Actor,
) -> StoreResult<IrritantId> {
    let now = clock::now();
    let id = diesel::insert_into(irritants::table)
        .values((
            irritants::incubator_id.eq(incubator.0),
            irritants::author_id.eq(author.0),
            irritants::title.eq(new.title()),
            irritants::description.eq(new.description()),
            irritants::status.eq(IrritantStatus::Open.as_str()),
            irritants::created_at.eq(now),
        ))
        .returning(irritants::id)
        .get_result(conn)
        .map(IrritantId)?;
    insert_vote(conn, id, author)?;
    log(conn, actor, "irritant.create", id, None, Some(json!(new)))?;
    Ok(id)
}

/// The irritants the filter names, the most voted first (then the oldest), each with its
/// votes and whether `reader` voted.
pub fn list(
    conn: &mut DbConnection,
    filter: IrritantFilter,
    reader: Option<UserId>,
) -> StoreResult<Vec<Irritant>> {
    let mut query = irritants::table
        .inner_join(incubators::table)
        .inner_join(users::table)
        .left_join(products::table)
        .left_join(applications::table)
        .select((
            (
                irritants::id,
                irritants::author_id,
                irritants::title,
                irritants::description,
                irritants::status,
                irritants::answer,
            ),
            (
                irritants::closed_by,
                irritants::closed_at,
                irritants::created_at,
            ),
            incubators::slug,
            users::name,
            (products::slug, products::name).nullable(),
            (applications::id, applications::title, applications::status).nullable(),
        ))
        .order(irritants::id)
        .into_boxed();
    if let Some(id) = filter.id {
        query = query.filter(irritants::id.eq(id.0));
    }
    if let Some(incubator) = filter.incubator {
        query = query.filter(irritants::incubator_id.eq(incubator.0));
    }
    if let Some(product) = filter.product {
        query = query.filter(irritants::product_id.eq(product.0));
    }
    if let Some(application) = filter.application {
        query = query.filter(irritants::application_id.eq(application.0));
    }
    if let Some(status) = filter.status {
        query = query.filter(irritants::status.eq(status.as_str()));
    }
    let rows: Vec<Row> = query.load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0.0).collect();
    let counts: Vec<(i64, i64)> = votes::table
        .filter(votes::irritant_id.eq_any(&ids))
        .group_by(votes::irritant_id)
        .select((votes::irritant_id, diesel::dsl::count_star()))
        .load(conn)?;
    let mine: Vec<i64> = match reader {
        Some(user) => votes::table
            .filter(votes::irritant_id.eq_any(&ids))
            .filter(votes::user_id.eq(user.0))
            .select(votes::irritant_id)
            .load(conn)?,
        None => Vec::new(),
    };
    let closers: Vec<i64> = rows.iter().filter_map(|r| r.1.0).collect();
    let closers: Vec<(i64, String)> = users::table
        .filter(users::id.eq_any(&closers))
        .select((users::id, users::name))
        .load(conn)?;
    let mut all = rows
        .into_iter()
        .map(|row| {
            let id = row.0.0;
            let votes = counts.iter().find(|(i, _)| *i == id).map_or(0, |c| c.1);
            let closer = row.1.0;
            let closed_by = closers
                .iter()
                .find(|(u, _)| Some(*u) == closer)
                .map(|(_, n)| n.clone());
            into_irritant(row, votes, mine.contains(&id), closed_by)
        })
        .collect::<StoreResult<Vec<_>>>()?;
    all.sort_by(|a, b| b.votes.cmp(&a.votes).then(a.id.cmp(&b.id)));
    Ok(all)
}

fn into_irritant(
    row: Row,
    votes: i64,
    voted_by_me: bool,
    closed_by: Option<String>,
) -> StoreResult<Irritant> {
    let ((id, author_id, title, description, status, answer), (_, closed_at, created_at)) =
        (row.0, row.1);
    let bad = |e: pilote_domain::DomainError| corrupt("irritants", id, e);
    let product = row
        .4
        .map(|(slug, name)| {
            Ok::<_, StoreError>(LinkedProduct {
                slug: Slug::parse(&slug).map_err(bad)?,
                name,
            })
        })
        .transpose()?;
    let application = row
        .5
        .map(|(id, title, status)| {
            Ok::<_, StoreError>(LinkedApplication {
                id: ApplicationId(id),
                title,
                status: ApplicationStatus::parse(&status).map_err(bad)?,
            })
        })
        .transpose()?;
    Ok(Irritant {
        id: IrritantId(id),
        incubator: Slug::parse(&row.2).map_err(bad)?,
        author_id: UserId(author_id),
        author: row.3,
        title,
        description,
        status: IrritantStatus::parse(&status).map_err(bad)?,
        answer,
        closed_by,
        closed_at,
        product,
        application,
        created_at,
        votes,
        voted_by_me,
    })
}

/// One irritant, as `reader` sees it.
pub fn get(
    conn: &mut DbConnection,
    id: IrritantId,
    reader: Option<UserId>,
) -> StoreResult<Irritant> {
    let filter = IrritantFilter {
        id: Some(id),
        ..IrritantFilter::default()
    };
    list(conn, filter, reader)?
        .pop()
        .ok_or(StoreError::NotFound { what: "irritant" })
}

/// The incubator an irritant was submitted to, and where it stands (`NotFound("irritant")`).
pub fn scope(conn: &mut DbConnection, id: IrritantId) -> StoreResult<(Slug, IrritantStatus)> {
    let (slug, status): (String, String) = irritants::table
        .inner_join(incubators::table)
        .filter(irritants::id.eq(id.0))
        .select((incubators::slug, irritants::status))
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound { what: "irritant" })?;
    let bad = |e| corrupt("irritants", id, e);
    Ok((
        Slug::parse(&slug).map_err(bad)?,
        IrritantStatus::parse(&status).map_err(bad)?,
    ))
}

fn insert_vote(conn: &mut DbConnection, id: IrritantId, user: UserId) -> StoreResult<usize> {
    let row = (
        votes::irritant_id.eq(id.0),
        votes::user_id.eq(user.0),
        votes::created_at.eq(clock::now()),
    );
    Ok(with_backend!(conn, |c| diesel::insert_into(votes::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?)
}

/// Gives `user`'s vote to an open irritant: whether it is new (a second vote changes nothing
/// and is not audited again). 409 on a closed irritant.
pub fn vote(
    conn: &mut DbConnection,
    id: IrritantId,
    user: UserId,
    actor: Actor,
) -> StoreResult<bool> {
    scope(conn, id)?.1.check_votable()?;
    let added = insert_vote(conn, id, user)? > 0;
    if added {
        log(
            conn,
            actor,
            "irritant.vote",
            id,
            None,
            Some(json!({"user": user.0})),
        )?;
    }
    Ok(added)
}

/// Withdraws `user`'s vote from an open irritant: whether there was one. 409 on a closed
/// irritant.
pub fn withdraw_vote(
    conn: &mut DbConnection,
    id: IrritantId,
    user: UserId,
    actor: Actor,
) -> StoreResult<bool> {
    scope(conn, id)?.1.check_votable()?;
    let removed = diesel::delete(
        votes::table
            .filter(votes::irritant_id.eq(id.0))
            .filter(votes::user_id.eq(user.0)),
    )
    .execute(conn)?
        > 0;
    if removed {
        let before = Some(json!({"user": user.0}));
        log(conn, actor, "irritant.withdraw_vote", id, before, None)?;
    }
    Ok(removed)
}

/// Links the irritant to the product that answers it (replacing any earlier link).
pub fn link(
    conn: &mut DbConnection,
    id: IrritantId,
    product: ProductId,
    actor: Actor,
) -> StoreResult<()> {
    let before: Option<i64> = irritants::table
        .find(id.0)
        .select(irritants::product_id)
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound { what: "irritant" })?;
    diesel::update(irritants::table.find(id.0))
        .set(irritants::product_id.eq(product.0))
        .execute(conn)?;
    let describe = |p: Option<i64>| Some(json!({"product_id": p}));
    log(
        conn,
        actor,
        "irritant.link",
        id,
        describe(before),
        describe(Some(product.0)),
    )
}

/// Links the irritant to the campaign's application that answers it (replacing any earlier
/// link). That the application belongs to the irritant's incubator is the service's check.
pub fn link_application(
    conn: &mut DbConnection,
    id: IrritantId,
    application: ApplicationId,
    actor: Actor,
) -> StoreResult<()> {
    let before: Option<i64> = irritants::table
        .find(id.0)
        .select(irritants::application_id)
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound { what: "irritant" })?;
    diesel::update(irritants::table.find(id.0))
        .set(irritants::application_id.eq(application.0))
        .execute(conn)?;
    let describe = |a: Option<i64>| Some(json!({"application_id": a}));
    log(
        conn,
        actor,
        "irritant.link_application",
        id,
        describe(before),
        describe(Some(application.0)),
    )
}

/// Closes an open irritant with the answer, by `user`. 409 once closed.
pub fn close(
    conn: &mut DbConnection,
    id: IrritantId,
    answer: &IrritantAnswer,
    user: UserId,
    actor: Actor,
) -> StoreResult<()> {
    scope(conn, id)?.1.check_closable()?;
    diesel::update(irritants::table.find(id.0))
        .set((
            irritants::status.eq(IrritantStatus::Closed.as_str()),
            irritants::answer.eq(answer.as_ref()),
            irritants::closed_by.eq(user.0),
            irritants::closed_at.eq(clock::now()),
        ))
        .execute(conn)?;
    log(
        conn,
        actor,
        "irritant.close",
        id,
        Some(json!({"status": "open"})),
        Some(json!({"status": "closed", "answer": answer.as_ref()})),
    )
}

fn log(
    conn: &mut DbConnection,
    actor: Actor,
    action: &str,
    id: IrritantId,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> StoreResult<()> {
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action,
            entity: "irritant",
            entity_key: id.to_string(),
            before: before.map(|v| v.to_string()),
            after: after.map(|v| v.to_string()),
        },
    )
}
