//! The database goes away and comes back: `/readyz` and the API answer 503 in JSON meanwhile,
//! and the server recovers without a restart.
//!
//! The "outage" is a TCP relay between the server and the test PostgreSQL that the test cuts
//! and restores, so the shared PostgreSQL server keeps serving the other tests.

use pilote_store::{Backend, testing::TestDb};

use crate::{
    helpers::Server,
    relay::{Relay, eventually},
};

#[test]
fn the_server_answers_503_while_postgres_is_away_and_recovers_by_itself() {
    let db = TestDb::new(Backend::Postgres);
    let relay = Relay::start("127.0.0.1:5432");
    let url = db
        .url()
        .replace("127.0.0.1:5432", &format!("127.0.0.1:{}", relay.port));
    assert_ne!(
        url,
        db.url(),
        "the test database is expected on 127.0.0.1:5432"
    );
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start_with_env(
        dir.path(),
        &["--database-url", &url],
        &[("PILOTE_DATABASE__CONNECT_TIMEOUT_SECS", "1")],
    );
    assert_eq!(server.get("/readyz").0, 200);

    relay.cut();
    eventually("/readyz answers 503", || server.get("/readyz").0 == 503);
    let (status, body) = server.get("/readyz");
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("database_unavailable"))
    );
    let login = server.post_json(
        "/api/v1/auth/login",
        &serde_json::json!({"email": "x@test.gouv.fr", "password": "un mot de passe"}),
    );
    assert_eq!(login.status, 503, "{:?}", login.body);
    assert!(
        !login.body.to_string().contains("5432"),
        "no connection details leak"
    );

    relay.restore();
    eventually("/readyz answers 200 again", || {
        server.get("/readyz").0 == 200
    });
}
