//! Indicators' sources and the job runner end to end (docs/connectors.md), against a fake
//! origin this test runs on 127.0.0.1 (std's TcpListener) that answers as Matomo's Reporting
//! API (`VisitsSummary.get`, by month), a JSON endpoint, a CSV endpoint, a failing endpoint and
//! a Matrix homeserver (`PUT …/send/m.room.message/{txn}`) do. On both backends; the two
//! replicas on one PostgreSQL fetch a due source once.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpListener,
    sync::{Arc, Mutex},
    thread,
    time::{Duration, Instant},
};

use chrono::{Datelike, NaiveDate};
use pilote_store::Backend;
use serde_json::{Value, json};

use crate::{
    helpers::{Server, pilote},
    world::{PRODUCT, World},
};

/// The Matomo token the tests store: it must show only in Matomo's POST bodies.
const TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// One request the fake origin received.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    target: String,
    authorization: Option<String>,
    body: String,
}

/// The fake origin: its base URL and every request it received, in order.
struct Origin {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Origin {
    /// Starts it; `slow` holds each JSON answer back that long (a fetch in flight).
    fn start(slow: Duration) -> Origin {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let kept = seen.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let kept = kept.clone();
                thread::spawn(move || answer(stream, &kept, slow));
            }
        });
        Origin { base, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    fn count(&self, path: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.target.starts_with(path))
            .count()
    }
}

fn answer(mut stream: std::net::TcpStream, seen: &Mutex<Vec<Seen>>, slow: Duration) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let (mut length, mut authorization) = (0, None);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        if lower.starts_with("authorization:") {
            authorization = Some(line["authorization:".len()..].trim().to_owned());
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let body = String::from_utf8_lossy(&body).into_owned();
    seen.lock().expect("lock").push(Seen {
        method: method.clone(),
        target: target.clone(),
        authorization,
        body: body.clone(),
    });
    let (status, kind, text) = match (method.as_str(), target.as_str()) {
        ("POST", "/matomo/index.php") => matomo(&body),
        ("GET", "/series.json") => {
            thread::sleep(slow);
            let series = json!({"data": [{"period": "2026-10", "value": "1 234,5"},
                                         {"period": "2026-09", "value": 1000}]});
            (200, "application/json", series.to_string())
        }
        ("GET", "/series.csv") => (
            200,
            "text/csv",
            "\u{feff}period;value\r\n2026-09-01;11\r\n2026-10-01;12,5\r\n".to_owned(),
        ),
        ("PUT", t) if t.starts_with("/_matrix/client/v3/rooms/") => {
            (200, "application/json", r#"{"event_id":"$1"}"#.to_owned())
        }
        _ => (500, "text/plain", "boom".to_owned()),
    };
    let reply = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
        text.len()
    );
    let _ = stream.write_all(reply.as_bytes());
}

/// `VisitsSummary.get` by month over the body's `date=FIRST,LAST`: each month's visits are
/// its number × 100; the token is checked as Matomo would.
fn matomo(body: &str) -> (u16, &'static str, String) {
    let field = |name: &str| {
        body.split('&')
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
            .unwrap_or_default()
            .to_owned()
    };
    if field("token_auth") != TOKEN {
        let error = json!({"result": "error", "message": "You can't access this resource"});
        return (200, "application/json", error.to_string());
    }
    assert_eq!(field("method"), "VisitsSummary.get");
    assert_eq!(field("period"), "month");
    assert_eq!(field("idSite"), "42");
    let range = field("date").replace("%2C", ",");
    let (first, last) = range.split_once(',').expect("date=FIRST,LAST");
    let (first, last): (NaiveDate, NaiveDate) =
        (first.parse().expect("first"), last.parse().expect("last"));
    let mut months = serde_json::Map::new();
    let mut day = first;
    while day <= last {
        let visits = day.month() * 100;
        months.insert(
            format!("{}-{:02}", day.year(), day.month()),
            json!({"nb_visits": visits, "nb_actions": visits * 3}),
        );
        day = day
            .checked_add_months(chrono::Months::new(1))
            .expect("next month");
    }
    (200, "application/json", Value::Object(months).to_string())
}

fn source(key: &str) -> String {
    format!("{PRODUCT}/indicators/{key}/source")
}

/// Creates a monthly indicator of `mon-produit`.
fn monthly(w: &World, key: &str) {
    let indicator = json!({"key": key, "label": format!("Indicateur {key}"), "unit": "u",
                           "direction": "increase", "principle": "used", "periodicity": "month"});
    w.expect(
        201,
        "POST",
        &format!("{PRODUCT}/indicators"),
        Some(&w.member),
        Some(&indicator),
    );
}

fn series(w: &World, key: &str) -> Vec<(String, f64, String)> {
    let body = w.expect(
        200,
        "GET",
        &format!("{PRODUCT}/indicators/{key}/measures"),
        Some(&w.member),
        None,
    );
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| {
            (
                m["period"].as_str().unwrap_or_default().to_owned(),
                m["value"].as_f64().unwrap_or(f64::NAN),
                m["source"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Sets a new source on the indicator `key` (201) and runs it now (200): the run's answer.
fn set_and_run(w: &World, key: &str, source_body: &Value) -> Value {
    w.expect(201, "PUT", &source(key), Some(&w.member), Some(source_body));
    w.expect(
        200,
        "POST",
        &format!("{}/run", source(key)),
        Some(&w.member),
        None,
    )
}

/// Sets `source_body` on `key` and runs it: two months created, October's value and source
/// as `october`.
fn two_months_read(w: &World, key: &str, source_body: &Value, october: (f64, &str)) {
    let ran = set_and_run(w, key, source_body);
    assert_eq!(counts(&ran), (2, 0, 0));
    let got = series(w, key);
    let (value, source) = october;
    assert!(
        got.contains(&("2026-10-01".to_owned(), value, source.to_owned())),
        "{got:?}"
    );
}

fn counts(run: &Value) -> (u64, u64, u64) {
    let last = &run["last_run"];
    assert_eq!(last["ok"], true, "{run}");
    let n = |k: &str| last[k].as_u64().expect("count");
    (n("created"), n("updated"), n("unchanged"))
}

fn scenario(backend: Backend) {
    let w = World::on(backend).with_product_token().start();
    let origin = Origin::start(Duration::ZERO);
    for key in ["visites", "demarches", "dossiers", "casse"] {
        monthly(&w, key);
    }
    let matomo_source = json!({"kind": "matomo", "url": format!("{}/matomo/", origin.base),
                               "site_id": 42, "metric": "nb_visits", "token": TOKEN});

    // Who may: the team and its managers; not a viewer, not an API token, not anonymous.
    let path = source("visites");
    let run = format!("{path}/run");
    w.expect(401, "PUT", &path, None, Some(&matomo_source));
    w.expect(403, "PUT", &path, Some(&w.viewer), Some(&matomo_source));
    w.expect(403, "PUT", &path, Some(w.token()), Some(&matomo_source));
    for (method, p) in [("GET", &path), ("DELETE", &path), ("POST", &run)] {
        w.expect(401, method, p, None, None);
        w.expect(403, method, p, Some(&w.viewer), None);
        w.expect(403, method, p, Some(w.token()), None);
    }
    w.expect(404, "GET", &path, Some(&w.member), None);
    w.expect(
        404,
        "PUT",
        &source("inconnu"),
        Some(&w.member),
        Some(&matomo_source),
    );

    // Refused: every field at fault named, nothing stored.
    let bad = json!({"kind": "matomo", "url": "ftp://stats", "pointer": "/x", "every_hours": 0});
    let body = w.expect(422, "PUT", &path, Some(&w.member), Some(&bad));
    assert_eq!(
        w.fields(&body),
        [
            "url",
            "every_hours",
            "site_id",
            "metric",
            "token",
            "pointer"
        ]
    );
    w.expect(404, "GET", &path, Some(&w.member), None);

    // Stored: the token never comes back.
    let created = w.expect(201, "PUT", &path, Some(&w.member), Some(&matomo_source));
    assert_eq!(created["token_stored"], true);
    assert!(!created.to_string().contains(TOKEN), "{created}");
    assert_eq!(created["label_fr"], "estimation (Matomo sans cookie)");
    let shown = w.expect(200, "GET", &path, Some(&w.manager), None);
    assert!(!shown.to_string().contains(TOKEN), "{shown}");
    assert!(shown["last_run"].is_null());

    // Run: the last three complete months pulled, marked `matomo`.
    let first = w.expect(200, "POST", &run, Some(&w.member), None);
    assert_eq!(counts(&first), (3, 0, 0));
    let pulled = series(&w, "visites");
    assert_eq!(pulled.len(), 3, "{pulled:?}");
    assert!(pulled.iter().all(|(_, _, s)| s == "matomo"), "{pulled:?}");
    // Twice: nothing changes.
    let again = w.expect(200, "POST", &run, Some(&w.member), None);
    assert_eq!(counts(&again), (0, 0, 3));
    // A backfill from June: three more months, the rest unchanged; idempotent too.
    let backfill = format!("{run}?from=2026-06-15");
    let filled = w.expect(200, "POST", &backfill, Some(&w.member), None);
    assert_eq!(counts(&filled), (3, 0, 3));
    let refilled = w.expect(200, "POST", &backfill, Some(&w.member), None);
    assert_eq!(counts(&refilled), (0, 0, 6));
    let june = series(&w, "visites")
        .into_iter()
        .find(|(p, _, _)| p == "2026-06-01")
        .expect("June");
    assert_eq!(june.1, 600.0);
    w.expect(
        422,
        "POST",
        &format!("{run}?from=hier"),
        Some(&w.member),
        None,
    );

    // The token went in POST bodies only: never in a URL, never in the server's log.
    let asked: Vec<Seen> = origin
        .seen()
        .into_iter()
        .filter(|s| s.target.starts_with("/matomo"))
        .collect();
    assert_eq!(asked.len(), 4);
    for s in &asked {
        assert_eq!(s.method, "POST");
        assert!(!s.target.contains(TOKEN), "{s:?}");
        assert!(s.body.contains(&format!("token_auth={TOKEN}")), "{s:?}");
    }
    let log = w.server.log.lock().expect("log").join("\n");
    assert!(!log.contains(TOKEN), "the token is in the log");

    // A new address without a new token: the old one is not carried over.
    let moved = json!({"kind": "matomo", "url": format!("{}/autre/", origin.base),
                       "site_id": 42, "metric": "nb_visits"});
    let body = w.expect(422, "PUT", &path, Some(&w.member), Some(&moved));
    assert_eq!(w.fields(&body), ["token"]);
    // The same address without it: kept.
    let kept = json!({"kind": "matomo", "url": format!("{}/matomo/", origin.base),
                      "site_id": 42, "metric": "nb_visits", "every_hours": 12});
    let body = w.expect(200, "PUT", &path, Some(&w.member), Some(&kept));
    assert_eq!(body["token_stored"], true);
    assert_eq!(body["every_hours"], 12);

    // JSON: a pointer to rows, French numbers; CSV: a French Excel file.
    let json_source = json!({"kind": "json", "url": format!("{}/series.json", origin.base),
                             "pointer": "/data"});
    two_months_read(&w, "demarches", &json_source, (1234.5, "json"));
    let csv_source = json!({"kind": "csv", "url": format!("{}/series.csv", origin.base)});
    two_months_read(&w, "dossiers", &csv_source, (12.5, "csv_url"));

    // A failing source: its run says why in French, and so does its GET.
    let broken = json!({"kind": "json", "url": format!("{}/casse.json", origin.base)});
    let failed = set_and_run(&w, "casse", &broken);
    assert_eq!(failed["last_run"]["ok"], false, "{failed}");
    let error = failed["last_run"]["error_fr"].as_str().expect("error_fr");
    assert!(error.contains("erreur HTTP 500"), "{error}");
    let shown = w.expect(200, "GET", &source("casse"), Some(&w.member), None);
    assert_eq!(shown["last_run"]["error_fr"], error);

    // The digest lists it, posted to a Tchap room: once per transaction id.
    let digest = |room: &str| {
        let dir = tempfile::tempdir().expect("dir");
        let out = pilote(dir.path())
            .args([
                "digest",
                "--database-url",
                w.db_url(),
                "--matrix-room",
                room,
            ])
            .env("PILOTE_MATRIX__HOMESERVER", &origin.base)
            .env("PILOTE_MATRIX__ACCESS_TOKEN", "jeton-matrix")
            .output()
            .expect("pilote digest");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    digest("!salon:agent.tchap.gouv.fr");
    digest("!salon:agent.tchap.gouv.fr");
    let sent: Vec<Seen> = origin
        .seen()
        .into_iter()
        .filter(|s| s.target.starts_with("/_matrix/"))
        .collect();
    assert_eq!(sent.len(), 2);
    let room = "/_matrix/client/v3/rooms/%21salon%3Aagent%2Etchap%2Egouv%2Efr/send/m.room.message/";
    assert!(sent[0].target.starts_with(room), "{:?}", sent[0]);
    assert_eq!(sent[0].target, sent[1].target, "the same transaction id");
    assert_eq!(sent[0].method, "PUT");
    assert_eq!(
        sent[0].authorization.as_deref(),
        Some("Bearer jeton-matrix")
    );
    let message: Value = serde_json::from_str(&sent[0].body).expect("JSON");
    let text = message["body"].as_str().expect("body");
    assert!(text.contains("Sources de données en échec"), "{text}");
    assert!(text.contains("Indicateur casse"), "{text}");
    assert!(
        message["formatted_body"]
            .as_str()
            .expect("html")
            .contains("<li>")
    );
    // Without the homeserver's settings: a usage error.
    let dir = tempfile::tempdir().expect("dir");
    let out = pilote(dir.path())
        .args([
            "digest",
            "--database-url",
            w.db_url(),
            "--matrix-room",
            "!a:b",
        ])
        .output()
        .expect("pilote digest");
    assert_eq!(out.status.code(), Some(2));

    // Removed: its values stay.
    w.expect(204, "DELETE", &source("demarches"), Some(&w.manager), None);
    w.expect(404, "GET", &source("demarches"), Some(&w.member), None);
    assert_eq!(series(&w, "demarches").len(), 2);
}

both_backends!(sources => scenario);

/// Two `pilote serve` with their runner on, over one PostgreSQL, and a due source whose
/// origin answers slowly: it is fetched once. `pilote collect` afterwards finds nothing due.
#[test]
fn two_replicas_fetch_a_due_source_once() {
    let w = World::on(Backend::Postgres).start();
    let origin = Origin::start(Duration::from_millis(1500));
    monthly(&w, "demarches");
    let json_source = json!({"kind": "json", "url": format!("{}/series.json", origin.base),
                             "pointer": "/data"});
    w.expect(
        201,
        "PUT",
        &source("demarches"),
        Some(&w.member),
        Some(&json_source),
    );
    let runner_on = [
        ("PILOTE_CONNECTORS__RUNNER", "true"),
        ("PILOTE_CONNECTORS__TICK_SECS", "1"),
    ];
    let args = ["--database-url", w.db_url()];
    let replicas = [
        Server::start_with_env(w.dir(), &args, &runner_on),
        Server::start_with_env(w.dir(), &args, &runner_on),
    ];
    // Until the run is recorded (a fetch, then the write), then a few more ticks of both.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let shown = w.expect(200, "GET", &source("demarches"), Some(&w.member), None);
        if !shown["last_run"].is_null() {
            assert_eq!(counts(&shown), (2, 0, 0));
            break;
        }
        assert!(Instant::now() < deadline, "the source was never run");
        thread::sleep(Duration::from_millis(200));
    }
    thread::sleep(Duration::from_secs(3));
    assert_eq!(origin.count("/series.json"), 1, "{:?}", origin.seen());
    drop(replicas);
    let dir = tempfile::tempdir().expect("dir");
    let out = pilote(dir.path())
        .args(["collect", "--database-url", w.db_url()])
        .output()
        .expect("pilote collect");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 source(s)"));
    assert_eq!(origin.count("/series.json"), 1);
}
