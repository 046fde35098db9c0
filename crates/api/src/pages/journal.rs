//! `/produits/{slug}/journal`: the product's audit trail — who did what, when, with the state
//! before and after — newest first. Read by anyone who may read the product (as its page);
//! the store appends, never edits, this log.

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
};
use crate::{access, db, service::scope::scope_of};

/// The most entries one page shows: a year of weekly posts and the decisions around them.
const SHOWN: usize = 500;

/// One entry, in French.
struct Line {
    at: String,
    who: String,
    what: String,
    before: Option<String>,
    after: Option<String>,
}

#[derive(Template)]
#[template(path = "journal.html")]
struct JournalPage {
    nav: Nav,
    slug: String,
    name: String,
    lines: Vec<Line>,
    more: usize,
}

/// An action's French words; the code itself for an action this table does not know yet.
fn what(action: &str) -> String {
    match action {
        "product.create" => "Création du produit",
        "product.update" => "Fiche du produit modifiée",
        "product.import" => "Import du catalogue beta.gouv.fr",
        "product.sync" => "Synchronisation avec beta.gouv.fr",
        "product.publish_efficiency" => "Publication de l'efficience modifiée",
        "decision.record" => "Décision du comité",
        "measures.post" => "Mesures déposées",
        "measures.clear_suspect" => "Valeur suspecte confirmée",
        "matrix.certification" => "Certification de la matrice",
        "contract.create" => "Contrat de réussite créé",
        "contract.replace" => "Contrat de réussite modifié",
        other => other,
    }
    .to_owned()
}

/// Who, from the log's `user:ID`, `token:ID` or `system`.
fn who(actor: &str, names: &HashMap<i64, String>) -> String {
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

/// The journal page.
#[get("/produits/{slug}/journal")]
pub async fn journal(
    user: SignedIn,
    db: web::Data<Database>,
    slug: web::Path<String>,
) -> PageResult {
    access::require(&user.user.user, Action::Read)?;
    let scope = scope_of(&db, &slug).await?;
    let (key, id) = (scope.slug.to_string(), scope.id);
    let (name, mut entries, names) = db::read(&db, move |c| {
        let name = products::get(c, id)?.name;
        let mut entries = audit::for_entity(c, "product", &key)?;
        entries.extend(audit::for_entity(c, "contract", &key)?);
        let mut names = HashMap::new();
        for e in &entries {
            if let Some(Ok(uid)) = e.actor.strip_prefix("user:").map(str::parse::<i64>)
                && let std::collections::hash_map::Entry::Vacant(slot) = names.entry(uid)
            {
                slot.insert(users::get(c, UserId(uid))?.name);
            }
        }
        Ok((name, entries, names))
    })
    .await?;
    entries.sort_by_key(|e| std::cmp::Reverse(e.id));
    let more = entries.len().saturating_sub(SHOWN);
    let lines = entries
        .into_iter()
        .take(SHOWN)
        .map(|e| Line {
            at: french::moment(e.at),
            who: who(&e.actor, &names),
            what: what(&e.action),
            before: e.before,
            after: e.after,
        })
        .collect();
    let page = JournalPage {
        nav: user.nav,
        slug: scope.slug.to_string(),
        name,
        lines,
        more,
    };
    Ok(super::render(&page))
}
