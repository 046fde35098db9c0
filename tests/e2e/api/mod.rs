//! The JSON API end to end: every route as anonymous (401), with the wrong role (403) and the
//! right one (2xx), and its refusals (404, 409, 413, 422), on SQLite and on PostgreSQL.

use serde_json::{Value, json};

use pilote_store::{Backend, testing::TestDb};

use crate::helpers::{Reply, Request, Server, add_user};

mod access;
mod catalogue;
mod measures;
mod ops;

const PASSWORD: &str = "un mot de passe assez long";

/// The product every part of the scenario works on.
const PRODUCT: &str = "/api/v1/products/mon-produit";

/// The callers, as bearer tokens.
#[derive(Clone, Copy)]
struct Who<'a> {
    admin: Option<&'a str>,
    manager: Option<&'a str>,
    other: Option<&'a str>,
    member: Option<&'a str>,
    viewer: Option<&'a str>,
}

/// A server over a fresh database, with one user per role.
struct World {
    _db: TestDb,
    _dir: tempfile::TempDir,
    server: Server,
    admin: String,
    manager: String,
    other_manager: String,
    member: String,
    viewer: String,
}

impl World {
    fn new(backend: Backend) -> World {
        let db = TestDb::new(backend);
        let dir = tempfile::tempdir().expect("dir");
        let user = |email: &str, args: &[&str]| {
            let mut all = vec!["--email", email, "--name", "Test"];
            all.extend_from_slice(args);
            let out = add_user(dir.path(), db.url(), &all, PASSWORD);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        user("admin@test.gouv.fr", &["--role", "admin"]);
        user("viewer@test.gouv.fr", &["--role", "viewer"]);
        let server = Server::start(dir.path(), &["--database-url", db.url()]);
        let admin = server.login("admin@test.gouv.fr", PASSWORD);
        for (slug, name) in [("dinum", "DINUM"), ("mtes", "Fabrique numérique")] {
            let reply = server.json_as(
                "POST",
                "/api/v1/incubators",
                Some(&admin),
                &json!({"slug": slug, "name": name, "administration": "État"}),
            );
            assert_eq!(reply.status, 201, "{:?}", reply.body);
        }
        user(
            "manager@test.gouv.fr",
            &["--role", "manager", "--incubator", "dinum"],
        );
        user(
            "other@test.gouv.fr",
            &["--role", "manager", "--incubator", "mtes"],
        );
        let manager = server.login("manager@test.gouv.fr", PASSWORD);
        let created = server.json_as(
            "POST",
            "/api/v1/products",
            Some(&manager),
            &json!({
                "slug": "mon-produit", "name": "Mon Produit", "pitch": "Simplifier une démarche",
                "incubator": "dinum", "sponsor": "DINUM", "started_on": "2025-01-06"
            }),
        );
        assert_eq!(created.status, 201, "{:?}", created.body);
        user(
            "member@test.gouv.fr",
            &["--role", "member", "--product", "mon-produit"],
        );
        World {
            admin,
            manager,
            other_manager: server.login("other@test.gouv.fr", PASSWORD),
            member: server.login("member@test.gouv.fr", PASSWORD),
            viewer: server.login("viewer@test.gouv.fr", PASSWORD),
            server,
            _db: db,
            _dir: dir,
        }
    }

    fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> Reply {
        match body {
            Some(body) => self.server.json_as(method, path, token, body),
            None => self.server.send(
                method,
                path,
                Request {
                    bearer: token,
                    body: None,
                    ..Request::default()
                },
            ),
        }
    }

    /// Asserts the status, with the body in the message.
    fn expect(
        &self,
        status: u16,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Value {
        let reply = self.call(method, path, token, body);
        assert_eq!(reply.status, status, "{method} {path}: {:?}", reply.body);
        if status >= 400 {
            assert!(
                reply.body["error"]["code"].is_string(),
                "{method} {path}: not the error envelope: {:?}",
                reply.body
            );
        }
        reply.body
    }
}

fn error_fields(body: &Value) -> Vec<String> {
    body["error"]["details"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|x| x["field"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

impl World {
    fn who(&self) -> Who<'_> {
        Who {
            admin: Some(&self.admin),
            manager: Some(&self.manager),
            other: Some(&self.other_manager),
            member: Some(&self.member),
            viewer: Some(&self.viewer),
        }
    }

    /// Posts a CSV file of measures as someone.
    fn post_csv(&self, token: Option<&str>, text: &str) -> Reply {
        self.server.send(
            "POST",
            &format!("{PRODUCT}/measures.csv"),
            Request {
                bearer: token,
                body: Some(("text/csv", text)),
                ..Request::default()
            },
        )
    }
}

/// One world, then each part in turn: later parts rely on what earlier ones created.
fn scenario(backend: Backend) {
    let w = World::new(backend);
    catalogue::run(&w);
    measures::run(&w);
    access::run(&w);
    ops::run(&w);
}

#[test]
fn the_api_on_sqlite() {
    scenario(Backend::Sqlite);
}

#[test]
fn the_api_on_postgres() {
    scenario(Backend::Postgres);
}
