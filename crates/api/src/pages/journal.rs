//! `/produits/{slug}/journal`: the product's audit trail — who did what, when, with the state
//! before and after — newest first: its sheet, decisions, measures, contract, objectives,
//! commitments, spend, reviews and team (`audit::for_product`), in French (`journal_words`).
//! Read by anyone who may read the product (as its page); the store appends, never edits,
//! this log.

use std::collections::HashMap;

use actix_web::{get, web};
use askama::Template;
use pilote_charts::french;
use pilote_domain::access::Action;
use pilote_store::{
    Database, UserId,
    repo::{audit, products, users},
};

use super::{
    Nav,
    forms::{PageResult, SignedIn},
    journal_words as words,
};
use crate::{access, db, service::scope::scope_of};

/// The most entries one page shows: a year of weekly posts and the decisions around them.
const SHOWN: usize = 500;

/// A state before or after a change: in French, or as stored (`raw`) when the journal
/// cannot read it.
struct State {
    text: String,
    raw: bool,
}

/// One entry, in French.
struct Line {
    at: String,
    who: String,
    what: String,
    before: Option<State>,
    after: Option<State>,
}

#[derive(Template)]
#[template(path = "journal.html")]
struct JournalPage {
    nav: Nav,
    product_nav: super::product_nav::ProductNav,
    name: String,
    lines: Vec<Line>,
    more: usize,
}

/// Who, from the log's `user:ID`, `token:ID` or `system` (an `Actor`'s `Display`).
pub(super) fn who(actor: &str, names: &HashMap<i64, String>) -> String {
    match actor.split_once(':') {
        Some(("user", id)) => id
            .parse()
            .ok()
            .and_then(|id| names.get(&id).cloned())
            .unwrap_or_else(|| format!("compte n°{id}")),
        Some(("token", id)) => format!("jeton d'API n°{id}"),
        _ => "Pilote (automatique)".to_owned(),
    }
}

/// The names of the people among `actors` (`user:ID`, `token:ID`, `system`), by user id.
pub(super) fn names<'a>(
    c: &mut pilote_store::DbConnection,
    actors: impl Iterator<Item = &'a str>,
) -> Result<HashMap<i64, String>, pilote_store::StoreError> {
    let mut names = HashMap::new();
    for actor in actors {
        if let Some(Ok(uid)) = actor.strip_prefix("user:").map(str::parse::<i64>)
            && let std::collections::hash_map::Entry::Vacant(slot) = names.entry(uid)
        {
            slot.insert(users::get(c, UserId(uid))?.name);
        }
    }
    Ok(names)
}

/// The journal page.
#[get("/produits/{slug}/journal")]
pub async fn journal(
    user: SignedIn,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    access::require(&user.user.user, Action::Read)?;
    let scope = scope_of(&db, &slug).await?;
    let id = scope.id;
    let (name, mut entries, names) = db::read(&db, move |c| {
        let name = products::get(c, id)?.name;
        let entries = audit::for_product(c, id)?;
        let names = names(c, entries.iter().map(|e| e.actor.as_str()))?;
        Ok((name, entries, names))
    })
    .await?;
    entries.sort_by_key(|e| std::cmp::Reverse(e.id));
    let more = entries.len().saturating_sub(SHOWN);
    let lines = entries
        .into_iter()
        .take(SHOWN)
        .map(|e| {
            let state = |json: &Option<String>| {
                json.as_deref().map(|j| {
                    words::state(&e.entity, &e.entity_key, j).map_or_else(
                        || State {
                            text: j.to_owned(),
                            raw: true,
                        },
                        |text| State { text, raw: false },
                    )
                })
            };
            Line {
                at: french::moment(e.at),
                who: who(&e.actor, &names),
                what: words::what(&e.action).to_owned(),
                before: state(&e.before),
                after: state(&e.after),
            }
        })
        .collect();
    let page = JournalPage {
        product_nav: super::product_nav::ProductNav::new(
            &user.user.user,
            &scope,
            &name,
            super::product_nav::Tab::Journal,
            Some("Journal"),
        ),
        nav: user.nav,
        name,
        lines,
        more,
    };
    Ok(super::render(&page))
}
