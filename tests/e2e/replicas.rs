//! Two `pilote serve` replicas over one PostgreSQL, as `docker-compose.yml` runs them: nothing a
//! request needs lives in one process, and both ride out a database outage by themselves.

use pilote_store::Backend;
use serde_json::json;

use crate::{
    helpers::Server,
    relay::{Relay, eventually},
    world::{PASSWORD, Site},
};

#[test]
fn two_replicas_share_everything_through_postgres_and_survive_an_outage() {
    let site = Site::new(Backend::Postgres);
    site.user("admin@test.gouv.fr", &["--role", "admin"]);
    let (db, dir) = (&site.db, &site.dir);

    // Each replica reaches PostgreSQL through a relay of its own, as each container would
    // through its own network path; cutting both is the database going away.
    let relays = [
        Relay::start("127.0.0.1:5432"),
        Relay::start("127.0.0.1:5432"),
    ];
    let urls = relays.each_ref().map(|relay| {
        db.url()
            .replace("127.0.0.1:5432", &format!("127.0.0.1:{}", relay.port))
    });
    assert!(
        urls.iter().all(|url| url != db.url()),
        "the test database is expected on 127.0.0.1:5432"
    );
    let env = [("PILOTE_DATABASE__CONNECT_TIMEOUT_SECS", "1")];
    let a = Server::start_with_env(dir.path(), &["--database-url", &urls[0]], &env);
    let b = Server::start_with_env(dir.path(), &["--database-url", &urls[1]], &env);
    assert_ne!(a.base, b.base);

    // A token issued by one replica is honoured by the other: the signing key is shared
    // configuration, sessions live in the database.
    let admin = a.login("admin@test.gouv.fr", PASSWORD);
    assert_eq!(b.get_as("/api/v1/incubators", &admin).status, 200);

    let created = |server: &Server, path: &str, body: serde_json::Value| {
        let reply = server.json_as("POST", path, Some(&admin), &body);
        assert_eq!(reply.status, 201, "POST {path}: {:?}", reply.body);
    };
    created(
        &a,
        "/api/v1/incubators",
        json!({"slug": "dinum", "name": "DINUM", "administration": "État"}),
    );
    created(
        &b,
        "/api/v1/products",
        json!({"slug": "mon-produit", "name": "Mon Produit", "pitch": "Simplifier",
               "incubator": "dinum", "sponsor": "DINUM", "started_on": "2025-01-06"}),
    );
    let p = "/api/v1/products/mon-produit";
    created(
        &a,
        &format!("{p}/indicators"),
        json!({"key": "demarches", "label": "Démarches", "unit": "u", "direction": "increase",
               "principle": "used", "periodicity": "week"}),
    );

    let batch = json!({"measures": [
        {"indicator": "demarches", "period": "2026-11-02", "value": 100},
        {"indicator": "demarches", "period": "2026-11-09", "value": 120}
    ]});
    let posted = b.json_as("POST", &format!("{p}/measures"), Some(&admin), &batch);
    assert_eq!(posted.status, 200, "{:?}", posted.body);
    let read = a.get_as(&format!("{p}/indicators/demarches/measures"), &admin);
    assert_eq!(read.status, 200, "{:?}", read.body);
    let values: Vec<_> = read.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("items in {:?}", read.body))
        .iter()
        .map(|m| m["value"].as_f64())
        .collect();
    assert!(
        values.contains(&Some(100.0)) && values.contains(&Some(120.0)),
        "measures posted through one replica read through the other: {:?}",
        read.body
    );

    for relay in &relays {
        relay.cut();
    }
    for server in [&a, &b] {
        eventually("/readyz answers 503", || server.get("/readyz").0 == 503);
        let (status, body) = server.get("/readyz");
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (503, Some("database_unavailable"))
        );
        let reply = server.get_as("/api/v1/incubators", &admin);
        assert_eq!(reply.status, 503, "{:?}", reply.body);
        assert_eq!(
            reply.body["error"]["code"].as_str(),
            Some("database_unavailable"),
            "a JSON error envelope: {:?}",
            reply.body
        );
    }

    for relay in &relays {
        relay.restore();
    }
    for server in [&a, &b] {
        eventually("/readyz answers 200 again", || {
            server.get("/readyz").0 == 200
        });
        let reply = server.get_as(&format!("{p}/indicators/demarches/measures"), &admin);
        assert_eq!(reply.status, 200, "{:?}", reply.body);
    }
}
