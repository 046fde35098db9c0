//! The test world: the real `pilote serve` over a fresh database of either backend, with
//! ready-made actors, in the manner of crates.io's `TestApp` builder.
//!
//! ```ignore
//! let w = World::on(Backend::Postgres).with_product_token().start();
//! w.expect(401, "GET", PRODUCT, None, None);
//! w.expect(200, "GET", PRODUCT, Some(&w.viewer), None);
//! w.expect(403, "GET", PRODUCT, Some(w.token()), None);
//! ```
//!
//! Every world has incubator `dinum`, product `mon-produit` in it (started 2025-01-06) and one
//! signed-in user per role: `admin`, `manager` (of `dinum`), `member` (of `mon-produit`) and
//! `viewer`. The builder adds, on request, a second incubator `mtes` with its own manager, and
//! an API token of `mon-produit`. Tests that start, kill and restart their own servers use the
//! [`Site`] alone: a database and a directory, users added by the CLI.

use std::path::Path;

use pilote_store::{Backend, testing::TestDb};
use serde_json::{Value, json};

use crate::helpers::{Reply, Request, Server, must_add_user};

/// Every world user's password.
pub const PASSWORD: &str = "un mot de passe assez long";

/// The product every world holds.
pub const PRODUCT: &str = "/api/v1/products/mon-produit";

/// A fresh database and the directory servers and commands run in; both go when dropped.
pub struct Site {
    pub db: TestDb,
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn new(backend: Backend) -> Site {
        Site {
            db: TestDb::new(backend),
            dir: tempfile::tempdir().expect("dir"),
        }
    }

    /// Adds a user through `pilote user add` (password [`PASSWORD`]); `args` are its role and
    /// scope (`--role manager --incubator dinum`).
    pub fn user(&self, email: &str, args: &[&str]) {
        let mut all = vec!["--email", email, "--name", "Test"];
        all.extend_from_slice(args);
        must_add_user(self.dir.path(), self.db.url(), &all, PASSWORD);
    }

    /// Starts a server on this database (extra arguments after `--database-url`).
    pub fn start(&self, args: &[&str]) -> Server {
        let mut all = vec!["--database-url", self.db.url()];
        all.extend_from_slice(args);
        Server::start(self.dir.path(), &all)
    }
}

/// What a world holds besides its fixed cast; see [`World::on`].
#[must_use = "a builder does nothing until `start`"]
pub struct WorldBuilder {
    backend: Backend,
    second_incubator: bool,
    product_token: bool,
    env: Vec<(String, String)>,
}

impl WorldBuilder {
    /// Starts the server with these environment variables too (`PILOTE_SMTP__HOST`, ...).
    pub fn with_env(mut self, env: &[(&str, &str)]) -> WorldBuilder {
        self.env
            .extend(env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        self
    }

    /// Adds incubator `mtes` (« Fabrique numérique ») and its manager, who has no right on
    /// `mon-produit`: `other` in [`World::who`].
    pub fn with_second_incubator(mut self) -> WorldBuilder {
        self.second_incubator = true;
        self
    }

    /// Adds an API token of `mon-produit`, made by its member: [`World::token`].
    pub fn with_product_token(mut self) -> WorldBuilder {
        self.product_token = true;
        self
    }

    /// Creates the database, the users, the catalogue, and starts the server.
    pub fn start(self) -> World {
        let site = Site::new(self.backend);
        site.user("admin@test.gouv.fr", &["--role", "admin"]);
        site.user("viewer@test.gouv.fr", &["--role", "viewer"]);
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let server =
            Server::start_with_env(site.dir.path(), &["--database-url", site.db.url()], &env);
        let admin = server.login("admin@test.gouv.fr", PASSWORD);
        let mut incubators = vec![("dinum", "DINUM")];
        if self.second_incubator {
            incubators.push(("mtes", "Fabrique numérique"));
        }
        for (slug, name) in incubators {
            let incubator = json!({"slug": slug, "name": name, "administration": "État"});
            let reply = server.json_as("POST", "/api/v1/incubators", Some(&admin), &incubator);
            assert_eq!(reply.status, 201, "{:?}", reply.body);
        }
        site.user(
            "manager@test.gouv.fr",
            &["--role", "manager", "--incubator", "dinum"],
        );
        if self.second_incubator {
            site.user(
                "other@test.gouv.fr",
                &["--role", "manager", "--incubator", "mtes"],
            );
        }
        let manager = server.login("manager@test.gouv.fr", PASSWORD);
        let product = json!({
            "slug": "mon-produit", "name": "Mon Produit", "pitch": "Simplifier une démarche",
            "incubator": "dinum", "sponsor": "DINUM", "started_on": "2025-01-06"
        });
        let reply = server.json_as("POST", "/api/v1/products", Some(&manager), &product);
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        site.user(
            "member@test.gouv.fr",
            &["--role", "member", "--product", "mon-produit"],
        );
        let member = server.login("member@test.gouv.fr", PASSWORD);
        let token = self.product_token.then(|| {
            let tokens = format!("{PRODUCT}/tokens");
            let reply = server.json_as("POST", &tokens, Some(&member), &json!({"name": "script"}));
            assert_eq!(reply.status, 201, "{:?}", reply.body);
            reply.body["token"].as_str().expect("token").to_owned()
        });
        World {
            other_manager: self
                .second_incubator
                .then(|| server.login("other@test.gouv.fr", PASSWORD)),
            viewer: server.login("viewer@test.gouv.fr", PASSWORD),
            admin,
            manager,
            member,
            token,
            server,
            site,
        }
    }
}

/// The callers as bearer tokens, ready for [`World::expect`]: `let Who { member, viewer, .. } =
/// w.who();`. `other` and `token` are `None` unless the builder made them.
#[derive(Clone, Copy)]
pub struct Who<'a> {
    pub admin: Option<&'a str>,
    pub manager: Option<&'a str>,
    pub other: Option<&'a str>,
    pub member: Option<&'a str>,
    pub viewer: Option<&'a str>,
    pub token: Option<&'a str>,
}

/// A running server over a fresh database, and a bearer token per actor.
pub struct World {
    // Declared first: the server stops before its database and directory go.
    pub server: Server,
    site: Site,
    pub admin: String,
    pub manager: String,
    pub member: String,
    pub viewer: String,
    other_manager: Option<String>,
    token: Option<String>,
}

impl World {
    /// A builder for a world on `backend`; `.start()` makes it.
    pub fn on(backend: Backend) -> WorldBuilder {
        WorldBuilder {
            backend,
            second_incubator: false,
            product_token: false,
            env: Vec::new(),
        }
    }

    /// Every caller, as `Some(bearer token)`.
    pub fn who(&self) -> Who<'_> {
        Who {
            admin: Some(&self.admin),
            manager: Some(&self.manager),
            other: self.other_manager.as_deref(),
            member: Some(&self.member),
            viewer: Some(&self.viewer),
            token: self.token.as_deref(),
        }
    }

    /// Creates weekly indicators of `mon-produit` as its member, one per `(key, direction)`,
    /// labelled by their key.
    pub fn weekly_indicators(&self, indicators: &[(&str, &str)]) {
        for (key, direction) in indicators {
            let indicator = json!({"key": key, "label": key, "unit": "u", "direction": direction,
                                   "principle": "used", "periodicity": "week"});
            let path = format!("{PRODUCT}/indicators");
            self.expect(201, "POST", &path, Some(&self.member), Some(&indicator));
        }
    }

    /// The API token of `mon-produit` ([`WorldBuilder::with_product_token`]).
    pub fn token(&self) -> &str {
        self.token
            .as_deref()
            .expect("a world built with_product_token")
    }

    /// The database's URL, for the CLI.
    pub fn db_url(&self) -> &str {
        self.site.db.url()
    }

    /// The server's working directory.
    pub fn dir(&self) -> &Path {
        self.site.dir.path()
    }

    /// The running server, for requests `expect` does not make (CSV bodies, headers).
    pub fn server(&self) -> &Server {
        &self.server
    }

    /// Sends a request with headers (`If-None-Match`, ...).
    pub fn send(&self, method: &str, path: &str, request: Request<'_>) -> Reply {
        self.server.send(method, path, request)
    }

    /// Sends as someone (`None`: anonymous), with a JSON body or none.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
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
                "{method} {path}: not the error envelope: {:?}",
                reply.body
            );
        }
        reply.body
    }

    /// The fields an error names, in order (`""` for a problem without one).
    pub fn fields(&self, body: &Value) -> Vec<String> {
        body["error"]["details"]
            .as_array()
            .map(|d| {
                d.iter()
                    .map(|x| x["field"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}
