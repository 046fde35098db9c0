//! `pilote serve`: probes on both backends, the demo on first start.

use chrono::Utc;
use pilote_store::{Backend, Database, PoolOptions, repo::products};

use crate::{
    helpers::{Request, Server},
    world::Site,
};

#[test]
fn serve_demo_on_the_default_sqlite_file_answers_the_probes() {
    let dir = tempfile::tempdir().expect("dir");
    // The README's first command, in a fresh directory: no --database-url.
    let server = Server::start(dir.path(), &["--demo"]);
    assert_eq!(
        server.get("/healthz"),
        (200, serde_json::json!({"status": "ok"}))
    );
    assert_eq!(
        server.get("/readyz"),
        (
            200,
            serde_json::json!({"status": "ready", "database": "sqlite"})
        )
    );
    // The OpenAPI document: public, JSON, OpenAPI 3, built from the routes.
    let reply = server.send("GET", "/api/v1/openapi.json", Request::default());
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .is_some_and(|v| v.starts_with("application/json")),
        "{:?}",
        reply.header("content-type")
    );
    assert!(
        reply.body["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.")),
        "{}",
        reply.body["openapi"]
    );
    assert!(
        reply.body["paths"]["/api/v1/products/{slug}/measures"]["post"].is_object(),
        "the measures batch is documented"
    );
    drop(server);

    let path = dir.path().join("pilote.db");
    assert!(
        path.exists(),
        "the default database is pilote.db in the working directory"
    );
    let db = Database::open(
        &format!("sqlite://{}", path.display()),
        &PoolOptions::default(),
    )
    .expect("open");
    let mut conn = db.get().expect("conn");
    let today = Utc::now().date_naive();
    let count = products::overviews(&mut conn, None, today)
        .expect("products")
        .len();
    assert!(count >= 40, "demo portfolio loaded, got {count} products");

    // A second start keeps the data: the demo only fills an empty database.
    let again = Server::start(dir.path(), &["--demo"]);
    assert_eq!(again.get("/readyz").0, 200);
    assert_eq!(products::count(&mut conn).expect("count"), count as i64);
}

#[test]
fn serve_on_postgres_answers_the_probes() {
    let site = Site::new(Backend::Postgres);
    let server = site.start(&[]);
    assert_eq!(
        server.get("/readyz"),
        (
            200,
            serde_json::json!({"status": "ready", "database": "postgres"})
        )
    );
    let (status, body) = server.get("/nope");
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
}
