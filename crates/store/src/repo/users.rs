//! People who sign in, and the roles they hold.

use diesel::prelude::*;
use pilote_domain::{Email, Grant, Role, Slug};

use crate::{
    clock,
    connection::DbConnection,
    error::{NotFoundExt, StoreResult, corrupt},
    ids::{Actor, IncubatorId, ProductId, UserId},
    repo::{audit, incubators, products},
    schema::{incubators as inc, products as prod, user_identities, user_roles, users},
};

/// A stored user. `password_hash` is an argon2 PHC string, never a password; `None` for an
/// account invited and not yet activated, or one that signs in with ProConnect only.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: String,
    pub password_hash: Option<String>,
    pub disabled: bool,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: i64,
    email: String,
    name: String,
    password_hash: Option<String>,
    disabled_at: Option<chrono::NaiveDateTime>,
}

impl UserRow {
    fn into_domain(self) -> StoreResult<User> {
        Ok(User {
            id: UserId(self.id),
            email: Email::parse(&self.email).map_err(|e| corrupt("users", self.id, e))?,
            name: self.name,
            password_hash: self.password_hash,
            disabled: self.disabled_at.is_some(),
        })
    }
}

/// Stores a new user, without a password for an invited account; `Conflict` when the email
/// is taken.
pub fn insert(
    conn: &mut DbConnection,
    email: &Email,
    name: &str,
    password_hash: Option<&str>,
    actor: Actor,
) -> StoreResult<UserId> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(pilote_domain::DomainError::rule(
            "name",
            "must be between 1 and 200 characters",
            "Le nom compte de 1 à 200 caractères.",
        )
        .into());
    }
    let id = diesel::insert_into(users::table)
        .values((
            users::email.eq(email.as_ref()),
            users::name.eq(name),
            users::password_hash.eq(password_hash),
            users::created_at.eq(clock::now()),
        ))
        .returning(users::id)
        .get_result(conn)
        .map(UserId)?;
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: "user.create",
            entity: "user",
            entity_key: email.to_string(),
            before: None,
            after: Some(serde_json::json!({ "email": email.as_ref(), "name": name }).to_string()),
        },
    )?;
    Ok(id)
}

/// The user with this email.
pub fn find_by_email(conn: &mut DbConnection, email: &Email) -> StoreResult<User> {
    users::table
        .filter(users::email.eq(email.as_ref()))
        .select(UserRow::as_select())
        .first(conn)
        .not_found("user")?
        .into_domain()
}

/// The user with this id.
pub fn get(conn: &mut DbConnection, id: UserId) -> StoreResult<User> {
    users::table
        .find(id.0)
        .select(UserRow::as_select())
        .first(conn)
        .not_found("user")?
        .into_domain()
}

/// Whether the account has been activated: it has a password, or a ProConnect identity.
/// An invited account is not, until its invitation is used.
pub fn is_activated(conn: &mut DbConnection, id: UserId) -> StoreResult<bool> {
    if get(conn, id)?.password_hash.is_some() {
        return Ok(true);
    }
    let identities: i64 = user_identities::table
        .filter(user_identities::user_id.eq(id.0))
        .count()
        .get_result(conn)?;
    Ok(identities > 0)
}

/// The generation of the user's web sessions: a session cookie issued under another one is
/// no longer valid (see `pilote_api::auth::session`).
pub fn session_generation(conn: &mut DbConnection, id: UserId) -> StoreResult<i64> {
    users::table
        .find(id.0)
        .select(users::session_generation)
        .first(conn)
        .not_found("user")
}

/// Ends every web session of the user (logging out): moves the generation on, and returns
/// the new one.
pub fn end_sessions(conn: &mut DbConnection, id: UserId) -> StoreResult<i64> {
    diesel::update(users::table.find(id.0))
        .set(users::session_generation.eq(users::session_generation + 1))
        .returning(users::session_generation)
        .get_result(conn)
        .not_found("user")
}

/// Replaces the user's password hash (an argon2 PHC string) and ends their web sessions,
/// in the caller's transaction; returns the new session generation, for the session that
/// changed the password to carry on.
pub fn set_password(
    conn: &mut DbConnection,
    id: UserId,
    password_hash: &str,
    actor: Actor,
) -> StoreResult<i64> {
    let user = get(conn, id)?;
    diesel::update(users::table.find(id.0))
        .set(users::password_hash.eq(password_hash))
        .execute(conn)?;
    let generation = end_sessions(conn, id)?;
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: "user.password",
            entity: "user",
            entity_key: user.email.to_string(),
            // Never the hashes: only that it changed.
            before: None,
            after: None,
        },
    )?;
    Ok(generation)
}

/// Gives a user a role (idempotent: granting twice is a `Conflict`).
pub fn grant(
    conn: &mut DbConnection,
    user: UserId,
    grant: &Grant,
    actor: Actor,
) -> StoreResult<()> {
    let (incubator, product): (Option<IncubatorId>, Option<ProductId>) = match grant {
        Grant::Admin | Grant::Viewer => (None, None),
        Grant::Manager { incubator } => (Some(incubators::find(conn, incubator)?.0), None),
        Grant::Member { product } => (None, Some(products::id_of(conn, product)?)),
    };
    diesel::insert_into(user_roles::table)
        .values((
            user_roles::user_id.eq(user.0),
            user_roles::role.eq(grant.role().as_str()),
            user_roles::incubator_id.eq(incubator.map(|i| i.0)),
            user_roles::product_id.eq(product.map(|p| p.0)),
            user_roles::granted_at.eq(clock::now()),
        ))
        .execute(conn)?;
    let email = get(conn, user)?.email;
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: "role.grant",
            entity: "user",
            entity_key: email.to_string(),
            before: None,
            after: Some(grant_json(grant)),
        },
    )
}

/// Takes a role back from a user (`NotFound("role")` if they do not hold it), audited with
/// the role taken.
pub fn revoke(
    conn: &mut DbConnection,
    user: UserId,
    grant: &Grant,
    actor: Actor,
) -> StoreResult<()> {
    let held = user_roles::table
        .filter(user_roles::user_id.eq(user.0))
        .filter(user_roles::role.eq(grant.role().as_str()));
    let removed = match grant {
        Grant::Admin | Grant::Viewer => diesel::delete(held).execute(conn)?,
        Grant::Manager { incubator } => {
            let (id, _) = incubators::find(conn, incubator)?;
            diesel::delete(held.filter(user_roles::incubator_id.eq(id.0))).execute(conn)?
        }
        Grant::Member { product } => {
            let id = products::id_of(conn, product)?;
            diesel::delete(held.filter(user_roles::product_id.eq(id.0))).execute(conn)?
        }
    };
    if removed == 0 {
        return Err(crate::StoreError::NotFound { what: "role" });
    }
    let email = get(conn, user)?.email;
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: "role.revoke",
            entity: "user",
            entity_key: email.to_string(),
            before: Some(grant_json(grant)),
            after: None,
        },
    )
}

/// Every user, by name, with the roles each holds.
pub fn list(conn: &mut DbConnection) -> StoreResult<Vec<(User, Vec<Grant>)>> {
    let rows: Vec<UserRow> = users::table
        .order((users::name, users::id))
        .select(UserRow::as_select())
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            let user = row.into_domain()?;
            let grants = grants(conn, user.id)?;
            Ok((user, grants))
        })
        .collect()
}

/// The members of a product's team (those who hold its member role), by name.
pub fn members(conn: &mut DbConnection, product: ProductId) -> StoreResult<Vec<User>> {
    users::table
        .inner_join(user_roles::table.on(user_roles::user_id.eq(users::id)))
        .filter(user_roles::role.eq(Role::Member.as_str()))
        .filter(user_roles::product_id.eq(product.0))
        .order((users::name, users::id))
        .select(UserRow::as_select())
        .load(conn)?
        .into_iter()
        .map(UserRow::into_domain)
        .collect()
}

/// Disables an account (or enables it again): a disabled user can neither sign in nor use a
/// session they had, which ends here. Audited; a no-op when already so.
pub fn set_disabled(
    conn: &mut DbConnection,
    id: UserId,
    disabled: bool,
    actor: Actor,
) -> StoreResult<()> {
    let user = get(conn, id)?;
    if user.disabled == disabled {
        return Ok(());
    }
    let at = disabled.then(clock::now);
    diesel::update(users::table.find(id.0))
        .set(users::disabled_at.eq(at))
        .execute(conn)?;
    end_sessions(conn, id)?;
    let state = |d: bool| Some(serde_json::json!({ "disabled": d }).to_string());
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: if disabled {
                "user.disable"
            } else {
                "user.enable"
            },
            entity: "user",
            entity_key: user.email.to_string(),
            before: state(user.disabled),
            after: state(disabled),
        },
    )
}

/// The roles a user holds.
pub fn grants(conn: &mut DbConnection, user: UserId) -> StoreResult<Vec<Grant>> {
    let rows: Vec<(i64, String, Option<String>, Option<String>)> = user_roles::table
        .left_join(inc::table.on(user_roles::incubator_id.eq(inc::id.nullable())))
        .left_join(prod::table.on(user_roles::product_id.eq(prod::id.nullable())))
        .filter(user_roles::user_id.eq(user.0))
        .order(user_roles::id)
        .select((
            user_roles::id,
            user_roles::role,
            inc::slug.nullable(),
            prod::slug.nullable(),
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, role, incubator, product)| {
            let bad = |e: pilote_domain::DomainError| corrupt("user_roles", id, e);
            let slug = |s: Option<String>| -> StoreResult<Slug> {
                let s = s.ok_or_else(|| corrupt("user_roles", id, "missing scope"))?;
                Slug::parse(&s).map_err(bad)
            };
            Ok(match Role::parse(&role).map_err(bad)? {
                Role::Admin => Grant::Admin,
                Role::Viewer => Grant::Viewer,
                Role::Manager => Grant::Manager {
                    incubator: slug(incubator)?,
                },
                Role::Member => Grant::Member {
                    product: slug(product)?,
                },
            })
        })
        .collect()
}

fn grant_json(grant: &Grant) -> String {
    let (incubator, product) = match grant {
        Grant::Manager { incubator } => (Some(incubator.as_ref()), None),
        Grant::Member { product } => (None, Some(product.as_ref())),
        Grant::Admin | Grant::Viewer => (None, None),
    };
    serde_json::json!({ "role": grant.role().as_str(), "incubator": incubator, "product": product })
        .to_string()
}
