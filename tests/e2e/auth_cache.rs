//! The identity cache (`crates/api/src/auth/cache.rs`): the server remembers who a bearer is,
//! yet a removed role, a revoked token or a disabled account stops working at the very next
//! request — whoever made the change: another connection (the CLI, a script), or another
//! replica on the same PostgreSQL.

use pilote_domain::{Email, Grant, Slug};
use pilote_store::{
    Actor, Backend, Database, PoolOptions,
    repo::{products, tokens, users},
};
use serde_json::{Value, json};

use crate::{
    helpers::Server,
    world::{PRODUCT, World},
};

fn one_value() -> Value {
    json!({"measures": [{"indicator": "visites", "period": "2026-11-02", "value": 1}]})
}

/// A connection of its own, as another process would have.
fn elsewhere(w: &World) -> Database {
    Database::open(w.db_url(), &PoolOptions::default()).expect("database")
}

fn member_grant() -> Grant {
    Grant::Member {
        product: Slug::parse("mon-produit").expect("slug"),
    }
}

/// Posts as each caller twice, so that the second request is served from the cache.
fn warm(server: &Server, callers: &[&str]) {
    let post = format!("{PRODUCT}/measures");
    for caller in callers {
        for _ in 0..2 {
            let reply = server.json_as("POST", &post, Some(caller), &one_value());
            assert_eq!(reply.status, 200, "{:?}", reply.body);
        }
    }
}

fn changes_made_elsewhere_apply_at_once(backend: Backend) {
    let w = World::on(backend).with_product_token().start();
    w.weekly_indicators(&[("visites", "increase")]);
    let post = format!("{PRODUCT}/measures");
    warm(&w.server, &[&w.member, w.token(), &w.manager]);

    let db = elsewhere(&w);
    let member = {
        let mut c = db.get().expect("conn");
        let email = Email::parse("member@test.gouv.fr").expect("email");
        users::find_by_email(&mut c, &email).expect("member").id
    };

    // A role removed: the next post is refused; granted again, accepted again.
    db.write(move |c| users::revoke(c, member, &member_grant(), Actor::System))
        .expect("revoke");
    w.expect(403, "POST", &post, Some(&w.member), Some(&one_value()));
    let me = w.expect(200, "GET", "/api/v1/me", Some(&w.member), None);
    assert_eq!(me["roles"], json!([]), "{me:?}");
    db.write(move |c| users::grant(c, member, &member_grant(), Actor::System))
        .expect("grant");
    w.expect(200, "POST", &post, Some(&w.member), Some(&one_value()));

    // A token revoked: the next request is a 401.
    let product = {
        let mut c = db.get().expect("conn");
        products::id_of(&mut c, &Slug::parse("mon-produit").expect("slug")).expect("product")
    };
    let token = {
        let mut c = db.get().expect("conn");
        tokens::list(&mut c, product).expect("tokens")[0].id
    };
    // The token cached at the current version (the role changes above emptied the cache).
    w.expect(200, "POST", &post, Some(w.token()), Some(&one_value()));
    db.write(move |c| tokens::revoke(c, product, token, Actor::System))
        .expect("revoke token");
    // Even about a product that does not exist: the credential is refused first.
    w.expect(
        401,
        "POST",
        "/api/v1/products/pas-un-produit/measures",
        Some(w.token()),
        Some(&one_value()),
    );
    w.expect(401, "POST", &post, Some(w.token()), Some(&one_value()));

    // An account disabled: its bearer token is a 401 at once.
    let manager = {
        let mut c = db.get().expect("conn");
        let email = Email::parse("manager@test.gouv.fr").expect("email");
        users::find_by_email(&mut c, &email).expect("manager").id
    };
    db.write(move |c| users::set_disabled(c, manager, true, Actor::System))
        .expect("disable");
    w.expect(401, "POST", &post, Some(&w.manager), Some(&one_value()));
    w.expect(401, "GET", "/api/v1/me", Some(&w.manager), None);
}

#[test]
fn changes_made_elsewhere_apply_at_once_on_sqlite() {
    changes_made_elsewhere_apply_at_once(Backend::Sqlite);
}

#[test]
fn changes_made_elsewhere_apply_at_once_on_postgres() {
    changes_made_elsewhere_apply_at_once(Backend::Postgres);
}

/// Two replicas on one PostgreSQL, both with warm caches: a token revoked and a role removed
/// through one of them are refused by the other at the next request.
#[test]
fn a_revocation_through_one_replica_applies_at_once_on_the_other() {
    let w = World::on(Backend::Postgres).with_product_token().start();
    w.weekly_indicators(&[("visites", "increase")]);
    let b = Server::start(w.dir(), &["--database-url", w.db_url()]);
    let post = format!("{PRODUCT}/measures");
    warm(&w.server, &[&w.member, w.token()]);
    warm(&b, &[&w.member, w.token()]);

    let listed = w.expect(
        200,
        "GET",
        &format!("{PRODUCT}/tokens"),
        Some(&w.member),
        None,
    );
    let id = listed["items"]
        .as_array()
        .and_then(|items| items.first())
        .and_then(|t| t["id"].as_i64())
        .unwrap_or_else(|| panic!("a token in {listed:?}"));
    w.expect(
        204,
        "DELETE",
        &format!("{PRODUCT}/tokens/{id}"),
        Some(&w.member),
        None,
    );
    let reply = b.json_as("POST", &post, Some(w.token()), &one_value());
    assert_eq!(reply.status, 401, "{:?}", reply.body);

    // A role removed by an admin (here through the store, as `pilote` would): both replicas
    // refuse the member's next post.
    let db = elsewhere(&w);
    let member = {
        let mut c = db.get().expect("conn");
        let email = Email::parse("member@test.gouv.fr").expect("email");
        users::find_by_email(&mut c, &email).expect("member").id
    };
    db.write(move |c| users::revoke(c, member, &member_grant(), Actor::System))
        .expect("revoke");
    for server in [&w.server, &b] {
        let reply = server.json_as("POST", &post, Some(&w.member), &one_value());
        assert_eq!(reply.status, 403, "{:?}", reply.body);
    }
}
