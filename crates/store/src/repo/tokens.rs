//! Product API tokens: created by a member for one product, shown once, stored hashed,
//! revocable, with the time they were last used.
//!
//! A token reads `pil_` followed by 64 hex digits (256 random bits). Only its SHA-256 is
//! stored. A fast hash is right here, unlike for passwords: with 256 bits of entropy nobody can
//! guess a secret, however fast each guess, and a fast hash lets every request be checked with
//! one indexed lookup.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::{
    clock,
    connection::DbConnection,
    error::{NotFoundExt, StoreError, StoreResult},
    ids::{Actor, ProductId, TokenId, UserId},
    repo::audit,
    schema::api_tokens,
};

/// What every token starts with, so that scanners and people can recognise a leaked one.
pub const TOKEN_PREFIX: &str = "pil_";
/// Random bytes in a secret: 256 bits.
const SECRET_BYTES: usize = 32;
/// Characters of the secret kept in clear, to tell tokens apart in lists.
const DISPLAY_PREFIX_LENGTH: usize = 8;

/// A stored token as lists show it: never the secret, nor its hash.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenInfo {
    pub id: TokenId,
    pub product_id: ProductId,
    pub name: String,
    /// The first characters after `pil_`, to recognise a token.
    pub prefix: String,
    /// Who created it, unless Pilote itself did.
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
struct TokenRow {
    id: i64,
    product_id: i64,
    name: String,
    prefix: String,
    created_by: Option<i64>,
    created_at: NaiveDateTime,
    last_used_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
}

impl From<TokenRow> for TokenInfo {
    fn from(row: TokenRow) -> Self {
        TokenInfo {
            id: TokenId(row.id),
            product_id: ProductId(row.product_id),
            name: row.name,
            prefix: row.prefix,
            created_by: row.created_by.map(UserId),
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        }
    }
}

fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            // Writing to a String cannot fail.
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// The stored form of a secret: SHA-256, in hex.
fn hash(secret: &str) -> String {
    to_hex(&Sha256::digest(secret.as_bytes()))
}

/// The form a secret is stored in (its SHA-256 in hex): a key to remember a token by without
/// keeping the secret itself.
pub fn stored_hash(secret: &str) -> String {
    hash(secret)
}

/// Creates a token for `product`; returns its id and the secret, which is never stored and
/// cannot be shown again.
pub fn create(
    conn: &mut DbConnection,
    product: ProductId,
    name: &str,
    created_by: Actor,
) -> StoreResult<(TokenId, String)> {
    let name = pilote_domain::TokenName::parse(name)?;
    let name = name.as_ref();
    let mut random = [0u8; SECRET_BYTES];
    getrandom::getrandom(&mut random)
        .map_err(|e| StoreError::Unavailable(format!("no randomness from the OS: {e}")))?;
    let body = to_hex(&random);
    let secret = format!("{TOKEN_PREFIX}{body}");
    let prefix = &body[..DISPLAY_PREFIX_LENGTH];
    let id = diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::product_id.eq(product.0),
            api_tokens::name.eq(name),
            api_tokens::prefix.eq(prefix),
            api_tokens::token_hash.eq(hash(&secret)),
            api_tokens::created_by.eq(created_by.user_id()),
            api_tokens::created_at.eq(clock::now()),
        ))
        .returning(api_tokens::id)
        .get_result(conn)
        .map(TokenId)?;
    audit::append(
        conn,
        audit::NewEntry {
            actor: created_by,
            action: "api_token.create",
            entity: "api_token",
            entity_key: id.to_string(),
            before: None,
            after: Some(
                serde_json::json!({ "product_id": product.0, "name": name, "prefix": prefix })
                    .to_string(),
            ),
        },
    )?;
    Ok((id, secret))
}

/// The live token this secret belongs to, if any (revoked tokens never match), and records
/// that it was used. A write: run it in [`crate::transaction::write`].
pub fn authenticate(
    conn: &mut DbConnection,
    secret: &str,
) -> StoreResult<Option<(TokenId, ProductId)>> {
    // Anything not shaped like a token cannot match: spare the database the lookup.
    let well_formed = secret.strip_prefix(TOKEN_PREFIX).is_some_and(|body| {
        body.len() == SECRET_BYTES * 2 && body.bytes().all(|b| b.is_ascii_hexdigit())
    });
    if !well_formed {
        return Ok(None);
    }
    let found: Option<(i64, i64)> = api_tokens::table
        .filter(api_tokens::token_hash.eq(hash(secret)))
        .filter(api_tokens::revoked_at.is_null())
        .select((api_tokens::id, api_tokens::product_id))
        .first(conn)
        .optional()?;
    let Some((id, product)) = found else {
        return Ok(None);
    };
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::last_used_at.eq(clock::now()))
        .execute(conn)?;
    Ok(Some((TokenId(id), ProductId(product))))
}

/// The product's tokens, revoked ones included, oldest first.
pub fn list(conn: &mut DbConnection, product: ProductId) -> StoreResult<Vec<TokenInfo>> {
    let rows: Vec<TokenRow> = api_tokens::table
        .filter(api_tokens::product_id.eq(product.0))
        .order(api_tokens::id)
        .select(TokenRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(TokenInfo::from).collect())
}

/// Revokes one of the product's tokens; `NotFound` if the product has no such token. Revoking
/// a revoked token changes nothing and records nothing.
pub fn revoke(
    conn: &mut DbConnection,
    product: ProductId,
    id: TokenId,
    actor: Actor,
) -> StoreResult<()> {
    let token: TokenRow = api_tokens::table
        .filter(api_tokens::id.eq(id.0))
        .filter(api_tokens::product_id.eq(product.0))
        .select(TokenRow::as_select())
        .first(conn)
        .not_found("api token")?;
    if token.revoked_at.is_some() {
        return Ok(());
    }
    diesel::update(api_tokens::table.find(id.0))
        .set(api_tokens::revoked_at.eq(clock::now()))
        .execute(conn)?;
    audit::append(
        conn,
        audit::NewEntry {
            actor,
            action: "api_token.revoke",
            entity: "api_token",
            entity_key: id.to_string(),
            before: Some(
                serde_json::json!({ "product_id": product.0, "name": token.name, "prefix": token.prefix })
                    .to_string(),
            ),
            after: None,
        },
    )
}
