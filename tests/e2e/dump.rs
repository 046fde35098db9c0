//! `pilote export all` / `pilote import all`: a full JSON dump that round-trips byte for byte,
//! SQLite → PostgreSQL → SQLite, through the real binary.

use std::path::Path;

use chrono::NaiveDate;
use pilote_store::{Backend, Database, copy, testing::TestDb};

use crate::commands::{DATA, demo_sqlite, import_all, ok, run};

/// A SQLite database holding the demo portfolio, the beta.gouv.fr sample and `awkward/` on top
/// (product events, perennisation modes, catalogue ids and outcomes, a phase return) and a user
/// with a role.
fn source(dir: &Path) -> String {
    let today = NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
    let (url, _) = demo_sqlite(dir, "source.db", 7, today);
    ok(&run(
        dir,
        &[
            "import",
            "betagouv",
            &format!("{DATA}/startups.json"),
            "--database-url",
            &url,
        ],
    ));
    ok(&run(
        dir,
        &[
            "import",
            "betagouv",
            &format!("{DATA}/awkward/startups.json"),
            "--database-url",
            &url,
        ],
    ));
    url
}

fn export(dir: &Path, url: &str, file: &str) -> Vec<u8> {
    let path = dir.join(file);
    ok(&run(
        dir,
        &[
            "export",
            "all",
            "--database-url",
            url,
            "--out",
            path.to_str().expect("utf-8"),
        ],
    ));
    std::fs::read(&path).expect("dump")
}

#[test]
fn a_dump_round_trips_byte_for_byte_through_postgres_and_back() {
    let dir = tempfile::tempdir().expect("dir");
    let source_url = source(dir.path());
    let first = export(dir.path(), &source_url, "first.json");

    // Standard output by default: the same bytes as --out.
    let stdout = run(
        dir.path(),
        &["export", "all", "--database-url", &source_url],
    );
    assert!(stdout.status.success());
    assert_eq!(stdout.stdout, first, "stdout and --out agree");

    let json: serde_json::Value = serde_json::from_slice(&first).expect("JSON");
    assert_eq!(json["format"], "pilote-dump");
    assert_eq!(json["version"], 1);
    let tables: Vec<&str> = json["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .map(|t| t["table"].as_str().expect("name"))
        .collect();
    assert_eq!(tables, copy::TABLES, "every table, in foreign-key order");
    for table in json["tables"].as_array().expect("tables") {
        let name = table["table"].as_str().expect("name");
        let ids: Vec<i64> = table["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|r| r[0].as_i64())
            .collect();
        // Tables keyed by their owner and a rank or a second id come in key order, where the
        // first column repeats.
        let composite = [
            "contract_budgets",
            "contract_milestones",
            "product_tags",
            "product_incubators",
            "irritant_votes",
        ];
        if !composite.contains(&name) {
            assert!(ids.windows(2).all(|w| w[0] < w[1]), "{name} sorted by id");
        }
    }
    for table in [
        "measures",
        "product_events",
        "measure_history",
        "reviews",
        "product_catalogue",
    ] {
        let rows = json["tables"]
            .as_array()
            .expect("tables")
            .iter()
            .find(|t| t["table"] == table)
            .expect("table")["rows"]
            .as_array()
            .expect("rows")
            .len();
        assert!(rows > 0, "the source fills {table}");
    }
    // The catalogue's ids (e-inspé's accent included) and a phase return travel too.
    let text = String::from_utf8_lossy(&first);
    assert!(text.contains("\"e-inspé\""), "betagouv_id kept");
    let phases = json["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["table"] == "phases")
        .expect("phases");
    let is_return = phases["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .position(|c| c == "is_return")
        .expect("is_return column");
    assert!(
        phases["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r[is_return] == true),
        "signaux-faibles' return is dumped"
    );

    // SQLite → an empty PostgreSQL → dump again: the same bytes.
    let postgres = TestDb::new(Backend::Postgres);
    let first_path = dir.path().join("first.json");
    let loaded = ok(&import_all(dir.path(), &first_path, postgres.url()));
    assert!(loaded.contains("Export chargé"), "{loaded}");
    let second = export(dir.path(), postgres.url(), "second.json");
    assert!(first == second, "SQLite → PostgreSQL changed the dump");
    let source_db = Database::open(&source_url, &Default::default()).expect("open");
    assert_eq!(
        copy::checksums(&mut postgres.conn()).expect("sums"),
        copy::checksums(&mut source_db.get().expect("conn")).expect("sums"),
        "every table equal, value for value"
    );

    // PostgreSQL → an empty SQLite file → dump again: the same bytes still.
    let back_url = format!("sqlite://{}", dir.path().join("back.db").display());
    let second_path = dir.path().join("second.json");
    ok(&import_all(dir.path(), &second_path, &back_url));
    let third = export(dir.path(), &back_url, "third.json");
    assert!(first == third, "PostgreSQL → SQLite changed the dump");

    // A database holding anything is refused (exit 4), and left as it was.
    let again = import_all(dir.path(), &first_path, postgres.url());
    assert_eq!(again.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("n'est pas vide"), "{stderr}");
    assert_eq!(export(dir.path(), postgres.url(), "after.json"), first);

    // PostgreSQL hands out fresh ids after the load: a new import adds rows.
    let more = run(
        dir.path(),
        &[
            "import",
            "betagouv",
            &format!("{DATA}/content"),
            "--database-url",
            postgres.url(),
        ],
    );
    ok(&more);
}

#[test]
fn a_file_that_is_not_a_dump_is_refused_with_exit_status_3() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let cases = [
        ("not-json.json", "{\"format\": ".to_owned(), "line 1"),
        (
            "other.json",
            r#"{"format": "pilote-dump", "version": 99, "tables": []}"#.to_owned(),
            "version",
        ),
        (
            "bad-row.json",
            {
                // A valid dump of an empty database, then one row of the wrong shape.
                let empty = export(dir.path(), &url, "empty.json");
                let mut json: serde_json::Value = serde_json::from_slice(&empty).expect("JSON");
                json["tables"][1]["rows"] = serde_json::json!([[1, "dinum", "DINUM"]]);
                json.to_string()
            },
            "tables.incubators.rows[0]",
        ),
    ];
    for (name, text, expected) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        let out = import_all(dir.path(), &path, &url);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
    }
    let db = Database::open(&url, &Default::default()).expect("open");
    assert!(
        copy::row_counts(&mut db.get().expect("conn"))
            .expect("counts")
            .iter()
            .all(|(_, n)| *n == 0),
        "nothing was written"
    );
}
