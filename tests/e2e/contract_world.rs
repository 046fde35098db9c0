//! The world of the contract test: a server over a fresh database, one user per role, one
//! product `mon-produit` in the incubator `dinum`, and the permission checks of every new route.

use pilote_store::{Backend, testing::TestDb};
use serde_json::{Value, json};

use crate::helpers::{Reply, Request, Server, add_user};

pub(crate) const PASSWORD: &str = "un mot de passe assez long";

/// A running server and a token per role.
pub struct World {
    _db: TestDb,
    _dir: tempfile::TempDir,
    server: Server,
    pub admin: String,
    pub manager: String,
    pub member: String,
    pub viewer: String,
    /// An API token of `mon-produit`.
    pub token: String,
}

impl World {
    pub fn new(backend: Backend) -> World {
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
        let incubator = json!({"slug": "dinum", "name": "DINUM", "administration": "État"});
        let reply = server.json_as("POST", "/api/v1/incubators", Some(&admin), &incubator);
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        user(
            "manager@test.gouv.fr",
            &["--role", "manager", "--incubator", "dinum"],
        );
        let manager = server.login("manager@test.gouv.fr", PASSWORD);
        let product = json!({"slug": "mon-produit", "name": "Mon Produit", "pitch": "Simplifier",
            "incubator": "dinum", "sponsor": "DINUM", "started_on": "2025-01-06"});
        let reply = server.json_as("POST", "/api/v1/products", Some(&manager), &product);
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        user(
            "member@test.gouv.fr",
            &["--role", "member", "--product", "mon-produit"],
        );
        let member = server.login("member@test.gouv.fr", PASSWORD);
        let tokens = "/api/v1/products/mon-produit/tokens";
        let reply = server.json_as("POST", tokens, Some(&member), &json!({"name": "script"}));
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        World {
            token: reply.body["token"].as_str().expect("token").to_owned(),
            viewer: server.login("viewer@test.gouv.fr", PASSWORD),
            admin,
            manager,
            member,
            server,
            _db: db,
            _dir: dir,
        }
    }

    /// The database's URL, for the CLI.
    pub fn db_url(&self) -> &str {
        self._db.url()
    }

    /// The server's working directory.
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// Sends a request with headers (`If-None-Match`, ...).
    pub fn send(&self, method: &str, path: &str, request: Request<'_>) -> Reply {
        self.server.send(method, path, request)
    }

    fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> Reply {
        match body {
            Some(body) => self.server.json_as(method, path, token, body),
            None => self.server.send(
                method,
                path,
                Request {
                    bearer: token,
                    ..Request::default()
                },
            ),
        }
    }

    /// The running server, for requests `expect` does not make (CSV bodies).
    pub fn server(&self) -> &Server {
        &self.server
    }

    /// Sends, asserts the status (and the error envelope for errors), returns the body.
    pub fn expect(
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
                "{method} {path}: {:?}",
                reply.body
            );
        }
        reply.body
    }

    /// The fields an error names.
    pub fn fields(&self, body: &Value) -> Vec<String> {
        body["error"]["details"]
            .as_array()
            .map(|d| {
                d.iter()
                    .filter_map(|x| x["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every new route: 401 anonymous; reads for any role, 403 for API tokens; writes 403 for
    /// viewers and tokens, and for members where only managers may write. `bodies` are valid
    /// bodies for the contract, an objective, a commitment and a review, so that the refusal
    /// is about who asks, not what is sent.
    pub fn check_access(
        &self,
        p: &str,
        objectives: &str,
        objective: i64,
        review: i64,
        bodies: [&Value; 4],
    ) {
        let [contract, new_objective, commitment, review_body] = bodies;
        let patch = json!({"tolerance": 0.2});
        let (member, viewer, token) = (
            Some(self.member.as_str()),
            Some(self.viewer.as_str()),
            Some(self.token.as_str()),
        );
        let reads = [
            format!("{p}/contract"),
            format!("{p}/contract/status?at=2026-01-05"),
            objectives.to_owned(),
            format!("{p}/contract/commitments"),
            format!("{p}/spend"),
            format!("{p}/reviews"),
            format!("/api/v1/reviews/{review}"),
        ];
        for path in &reads {
            self.expect(401, "GET", path, None, None);
            self.expect(403, "GET", path, token, None);
            self.expect(200, "GET", path, viewer, None);
        }
        self.expect(
            422,
            "GET",
            &format!("{p}/contract/status?at=demain"),
            viewer,
            None,
        );
        let managers_only = [
            ("PUT", format!("{p}/contract"), Some(contract)),
            ("POST", objectives.to_owned(), Some(new_objective)),
            ("PATCH", format!("{objectives}/{objective}"), Some(&patch)),
            ("DELETE", format!("{objectives}/{objective}"), None),
            (
                "POST",
                format!("{p}/contract/commitments"),
                Some(commitment),
            ),
            (
                "PATCH",
                format!("{p}/contract/commitments/1"),
                Some(commitment),
            ),
            ("DELETE", format!("{p}/contract/commitments/1"), None),
            ("POST", format!("{p}/reviews"), Some(review_body)),
            (
                "PATCH",
                format!("/api/v1/reviews/{review}"),
                Some(review_body),
            ),
            ("POST", format!("/api/v1/reviews/{review}/sign"), None),
        ];
        for (method, path, body) in &managers_only {
            self.expect(401, method, path, None, *body);
            for who in [member, viewer, token] {
                self.expect(403, method, path, who, *body);
            }
        }
        let spend = format!("{p}/spend");
        let entry = json!({"month": "2025-05-01", "amount": 1000});
        self.expect(401, "POST", &spend, None, Some(&entry));
        self.expect(403, "POST", &spend, viewer, Some(&entry));
        self.expect(403, "POST", &spend, token, Some(&entry));
        self.expect(201, "POST", &spend, member, Some(&entry));
    }
}
