//! Authentication over HTTP: login, `/me`, rate limits, and every way to be refused.

use pilote_domain::{Incubator, PhaseDurations, Product, Slug};
use pilote_store::{
    Actor, Backend,
    repo::{incubators, products, tokens},
    testing::TestDb,
};
use serde_json::json;

use crate::helpers::{Request, Server, must_add_user};

const EMAIL: &str = "camille.martin@beta.gouv.fr";
use crate::world::PASSWORD;

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("slug")
}

/// A database with incubator `dinum`, product `mon-produit`, and a manager of `dinum` added
/// through the command line; and a server on it.
struct Setup {
    db: TestDb,
    server: Server,
    _dir: tempfile::TempDir,
}

fn setup(backend: Backend) -> Setup {
    let db = TestDb::new(backend);
    {
        let mut conn = db.conn();
        incubators::insert(
            &mut conn,
            &Incubator {
                slug: slug("dinum"),
                name: "Incubateur de la DINUM".to_owned(),
                administration: "DINUM".to_owned(),
                durations: PhaseDurations::default(),
            },
        )
        .expect("incubator");
        products::insert(
            &mut conn,
            &Product {
                slug: slug("mon-produit"),
                name: "Mon produit".to_owned(),
                pitch: "Simplifier une démarche".to_owned(),
                problem: None,
                sponsor: "DINUM".to_owned(),
                incubator: slug("dinum"),
                website: None,
                repository: None,
                published: true,
                created_on: "2025-01-06".parse().expect("date"),
            },
            Actor::System,
        )
        .expect("product");
    }
    let dir = tempfile::tempdir().expect("dir");
    must_add_user(
        dir.path(),
        db.url(),
        &[
            "--email",
            EMAIL,
            "--name",
            "Camille Martin",
            "--role",
            "manager",
            "--incubator",
            "dinum",
        ],
        PASSWORD,
    );
    let server = Server::start(dir.path(), &["--database-url", db.url()]);
    Setup {
        db,
        server,
        _dir: dir,
    }
}

fn login(server: &Server, email: &str, password: &str) -> crate::helpers::Reply {
    server.post_json(
        "/api/v1/auth/login",
        &json!({ "email": email, "password": password }),
    )
}

fn login_then_me_shows_the_roles(backend: Backend) {
    // Bound whole: a `..` pattern would drop the database (and its schema) right away.
    let setup = setup(backend);
    let server = &setup.server;
    // The email is matched whatever its case.
    let reply = login(server, "Camille.Martin@beta.gouv.fr", PASSWORD);
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["token_type"], "Bearer");
    assert_eq!(reply.body["expires_in"], 3600);
    let token = reply.body["access_token"].as_str().expect("access_token");

    let me = server.get_as("/api/v1/me", token);
    assert_eq!(me.status, 200, "{:?}", me.body);
    assert!(me.body["id"].is_i64());
    assert_eq!(me.body["email"], EMAIL);
    assert_eq!(me.body["name"], "Camille Martin");
    assert_eq!(
        me.body["roles"],
        json!([{ "role": "manager", "incubator": "dinum" }])
    );
}

both_backends!(login_then_me => login_then_me_shows_the_roles);

#[test]
fn wrong_passwords_and_unknown_emails_are_refused_alike_then_limited() {
    let setup = setup(Backend::Sqlite);
    let server = &setup.server;
    let wrong_password = login(server, EMAIL, "pas le bon mot de passe");
    let unknown_email = login(server, "personne@beta.gouv.fr", PASSWORD);
    let not_an_email = login(server, "personne", PASSWORD);
    for reply in [&wrong_password, &unknown_email, &not_an_email] {
        assert_eq!(reply.status, 401);
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
    }
    assert_eq!(wrong_password.body, unknown_email.body);
    assert_eq!(wrong_password.body, not_an_email.body);
    assert_eq!(
        wrong_password.body,
        json!({"error": {"code": "unauthorized", "message": "invalid email or password"}})
    );

    // Five failures in all for this email; the sixth attempt is refused before the password is
    // checked, even with the right one.
    for _ in 0..4 {
        assert_eq!(login(server, EMAIL, "encore raté, encore raté").status, 401);
    }
    let limited = login(server, EMAIL, PASSWORD);
    assert_eq!(limited.status, 429, "{:?}", limited.body);
    assert_eq!(limited.body["error"]["code"], "too_many_requests");
    let retry: u64 = limited
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=15 * 60).contains(&retry), "{retry}");
    // Another email from the same address still gets its own answer.
    assert_eq!(login(server, "autre@beta.gouv.fr", PASSWORD).status, 401);
}

#[test]
fn me_refuses_missing_invalid_and_api_tokens() {
    let setup = setup(Backend::Sqlite);
    let (db, server) = (&setup.db, &setup.server);
    let (status, body) = server.get("/api/v1/me");
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized");

    for garbage in ["garbage", "a.b.c", "pil_0000"] {
        let reply = server.get_as("/api/v1/me", garbage);
        assert_eq!(reply.status, 401, "{garbage}");
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
        assert_eq!(reply.body["error"]["code"], "unauthorized");
    }

    // A valid token with one character of its payload changed no longer matches its signature.
    let token = login(server, EMAIL, PASSWORD).body["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let mut payload = parts[1].to_owned();
    let last = payload.pop().expect("payload");
    payload.push(if last == 'A' { 'B' } else { 'A' });
    let tampered = format!("{}.{payload}.{}", parts[0], parts[2]);
    let reply = server.get_as("/api/v1/me", &tampered);
    assert_eq!(reply.status, 401);

    let (_, secret) = {
        let mut conn = db.conn();
        let product = products::id_of(&mut conn, &slug("mon-produit")).expect("product");
        tokens::create(&mut conn, product, "Import", Actor::System).expect("token")
    };
    let reply = server.get_as("/api/v1/me", &secret);
    assert_eq!(reply.status, 403, "{:?}", reply.body);
    assert_eq!(reply.body["error"]["code"], "forbidden");
    // A revoked token is no token at all.
    {
        let mut conn = db.conn();
        let product = products::id_of(&mut conn, &slug("mon-produit")).expect("product");
        let id = tokens::list(&mut conn, product).expect("list")[0].id;
        tokens::revoke(&mut conn, product, id, Actor::System).expect("revoke");
    }
    assert_eq!(server.get_as("/api/v1/me", &secret).status, 401);
}

#[test]
fn malformed_login_bodies_are_400_in_the_envelope() {
    let setup = setup(Backend::Sqlite);
    let server = &setup.server;
    let cases = [
        ("application/json", "{\"email\": "),
        ("application/json", "{\"email\":\"a@b.fr\"}"),
        (
            "application/json",
            "{\"email\":\"a@b.fr\",\"password\":\"x\",\"admin\":true}",
        ),
        ("text/plain", "email=a@b.fr"),
    ];
    for (content_type, body) in cases {
        let reply = server.send(
            "POST",
            "/api/v1/auth/login",
            Request {
                body: Some((content_type, body)),
                ..Request::default()
            },
        );
        assert_eq!(reply.status, 400, "{body}: {:?}", reply.body);
        assert_eq!(reply.body["error"]["code"], "bad_request", "{body}");
        assert!(reply.body["error"]["message"].is_string());
    }
}

#[test]
fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget() {
    let db = TestDb::new(Backend::Sqlite);
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start_with_env(
        dir.path(),
        &["--database-url", db.url()],
        &[("PILOTE_TRUSTED_PROXIES", "127.0.0.1")],
    );
    let attempt = |n: usize, forwarded: &str| {
        let body = json!({"email": format!("inconnu{n}@test.gouv.fr"), "password": "pas le bon"})
            .to_string();
        server
            .send(
                "POST",
                "/api/v1/auth/login",
                Request {
                    headers: &[("X-Forwarded-For", forwarded)],
                    body: Some(("application/json", &body)),
                    ..Request::default()
                },
            )
            .status
    };
    // Different emails, so that only the per-address limit (20 failures) applies.
    for n in 0..20 {
        assert_eq!(attempt(n, "198.51.100.7"), 401, "attempt {n}");
    }
    assert_eq!(
        attempt(20, "198.51.100.7"),
        429,
        "the forwarded client is limited"
    );
    assert_eq!(attempt(21, "198.51.100.8"), 401, "another client is not");
    // A client cannot escape by writing its own header before the proxy's hop.
    assert_eq!(attempt(22, "203.0.113.1, 198.51.100.7"), 429);
}
