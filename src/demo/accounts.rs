//! The demo's accounts: one per role, so that a newcomer can sign in at once.
//!
//! Created when the demo is loaded; at every later `serve --demo` their passwords are
//! generated afresh (the clear text is never stored: only the argon2 hash is), so the process
//! that prints them is the only one that knows them. A database without these accounts (real
//! data) never gets them.

use chrono::NaiveDate;
use pilote_api::{auth::password, demo_accounts::DemoAccount};
use pilote_domain::{Email, Grant, ProductStatus};
use pilote_store::{
    Actor, DbConnection, StoreError,
    repo::{products, users},
    transaction,
};

/// The accounts' addresses: `.example` is reserved (RFC 2606), so no mail ever leaves.
pub const ADMIN: &str = "administrateur@demo.pilote.example";
pub const MANAGER: &str = "responsable@demo.pilote.example";
pub const MEMBER: &str = "equipe@demo.pilote.example";
pub const VIEWER: &str = "lecteur@demo.pilote.example";

/// Creates the demo accounts (`create`) or, when they already exist, gives them new passwords;
/// returns them with their clear passwords, or nothing when the database holds no demo
/// account and `create` is false.
pub fn provision(
    conn: &mut DbConnection,
    create: bool,
    today: NaiveDate,
) -> anyhow::Result<Vec<DemoAccount>> {
    let admin = Email::parse(ADMIN)?;
    let existing = match users::find_by_email(conn, &admin) {
        Ok(_) => true,
        Err(StoreError::NotFound { .. }) => false,
        Err(e) => return Err(e.into()),
    };
    if !existing && !create {
        return Ok(Vec::new());
    }
    // The manager runs the incubator of the first running product; the member works on it.
    let overviews = products::overviews(conn, None, today)?;
    let product = overviews
        .iter()
        .find(|o| matches!(o.status, ProductStatus::Active(_)))
        .or(overviews.first());
    let mut wanted = vec![(ADMIN, "Admin Démo", Grant::Admin, None)];
    if let Some(o) = product {
        wanted.push((
            MANAGER,
            "Responsable Démo",
            Grant::Manager {
                incubator: o.product.incubator.clone(),
            },
            Some(o.incubator_name.clone()),
        ));
        wanted.push((
            MEMBER,
            "Équipe Démo",
            Grant::Member {
                product: o.product.slug.clone(),
            },
            Some(o.product.name.clone()),
        ));
    }
    wanted.push((VIEWER, "Lecteur Démo", Grant::Viewer, None));

    let mut accounts = Vec::new();
    let mut hashed = Vec::new();
    // Hashing is slow on purpose: done before the write transaction, not inside it.
    for (email, name, grant, scope) in wanted {
        let secret = password::generate();
        let hash =
            password::hash(&secret).map_err(|e| anyhow::anyhow!("cannot hash a password: {e}"))?;
        accounts.push(DemoAccount {
            email: email.to_owned(),
            password: secret,
            role: grant.role().label_fr().to_owned(),
            scope,
        });
        hashed.push((Email::parse(email)?, name, grant, hash));
    }
    transaction::write(conn, |c| {
        for (email, name, grant, hash) in &hashed {
            match users::find_by_email(c, email) {
                Ok(user) => {
                    users::set_password(c, user.id, hash, Actor::System)?;
                }
                Err(StoreError::NotFound { .. }) => {
                    let id = users::insert(c, email, name, Some(hash), Actor::System)?;
                    users::grant(c, id, grant, Actor::System)?;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    })?;
    Ok(accounts)
}

/// The line printed (and logged) for each account.
pub fn line(account: &DemoAccount) -> String {
    format!(
        "compte de démonstration : {} / {} ({})",
        account.email, account.password, account.role
    )
}
