//! `pilote import betagouv`: the real sample catalogue, both shapes, both backends.

use std::{collections::BTreeSet, path::Path, process::Command};

use chrono::NaiveDate;
use pilote::import::{ImportOptions, ImportReport, import_betagouv};
use pilote_domain::{DecisionKind, Phase, PhaseRecord, ProductStatus, Slug};
use pilote_store::{
    Backend, DbConnection,
    repo::{import, phases, products},
    testing::TestDb,
};

use crate::commands::DATA;

fn json_path() -> String {
    format!("{DATA}/startups.json")
}

fn content_path() -> String {
    format!("{DATA}/content")
}

/// What a person counts in `startups.json`, without the importer.
struct Expected {
    products: usize,
    incubators: usize,
    phases: usize,
    events: usize,
    committees: usize,
}

fn expected() -> Expected {
    let text = std::fs::read_to_string(json_path()).expect("startups.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    let data = json["data"].as_array().expect("data");
    let len = |v: &serde_json::Value| v.as_array().map_or(0, Vec::len);
    let incubators: BTreeSet<&str> = data
        .iter()
        .filter_map(|s| s["relationships"]["incubator"]["data"]["id"].as_str())
        .collect();
    Expected {
        products: data.len(),
        incubators: incubators.len(),
        phases: data.iter().map(|s| len(&s["attributes"]["phases"])).sum(),
        events: data.iter().map(|s| len(&s["attributes"]["events"])).sum(),
        committees: data
            .iter()
            .flat_map(|s| s["attributes"]["events"].as_array().into_iter().flatten())
            .filter(|e| e["name"] == "committee")
            .count(),
    }
}

fn run(conn: &mut DbConnection, path: &str, strict: bool, dry_run: bool) -> ImportReport {
    import_betagouv(conn, Path::new(path), ImportOptions { strict, dry_run }).expect("import")
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn rec(phase: Phase, start: &str, end: Option<&str>) -> PhaseRecord {
    PhaseRecord {
        phase,
        started_on: day(start),
        ended_on: end.map(day),
    }
}

fn history(conn: &mut DbConnection, slug: &str) -> (Vec<PhaseRecord>, ProductStatus) {
    let (id, _) = products::find(conn, &Slug::parse(slug).expect("slug")).expect("product");
    let h = phases::history(conn, id).expect("history");
    (h.records().to_vec(), h.status())
}

fn check_histories(conn: &mut DbConnection) {
    use Phase::*;
    let (records, status) = history(conn, "dialogue");
    assert_eq!(
        records,
        [
            rec(Investigation, "2022-03-21", Some("2022-10-18")),
            rec(Construction, "2022-10-18", Some("2025-01-01")),
            rec(Acceleration, "2025-01-01", None),
        ]
    );
    assert_eq!(status, ProductStatus::Active(Acceleration));
    // beta.gouv leaves a gap (end 2023-01-26, next start 2023-04-03): closed on the next start.
    let (records, _) = history(conn, "agora");
    assert_eq!(
        records,
        [
            rec(Investigation, "2022-12-01", Some("2023-04-03")),
            rec(Construction, "2023-04-03", None),
        ]
    );
    // consolidation then transfere: one perennisation record, its mode the latest status.
    let (records, status) = history(conn, "audiodescription");
    assert_eq!(
        records,
        [
            rec(Investigation, "2024-01-15", Some("2024-04-15")),
            rec(Construction, "2024-04-15", Some("2025-07-04")),
            rec(Acceleration, "2025-07-04", Some("2026-01-27")),
            rec(Perennisation, "2026-01-27", None),
        ]
    );
    assert_eq!(status, ProductStatus::Active(Perennisation));
    let (records, status) = history(conn, "aquaculteurs.marins");
    assert_eq!(
        records,
        [
            rec(Investigation, "2023-04-24", Some("2023-09-27")),
            rec(Construction, "2023-09-27", Some("2025-09-30")),
        ]
    );
    assert_eq!(status, ProductStatus::Stopped);

    let slug =
        Slug::parse("gestion-et-pilotage-du-parc-d-hebergement-du-dispositif-national-d-acceuil")
            .expect("slug");
    let (id, product) = products::find(conn, &slug).expect("product");
    assert_eq!(
        product.sponsor,
        "direction-generale-des-etrangers-en-france"
    );
    assert_eq!(product.incubator.as_ref(), "dinum");
    let events = import::events(conn, id).expect("events");
    let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "committee",
            "product_launch",
            "committee",
            "other",
            "committee"
        ]
    );
    let decisions = phases::decisions(conn, id).expect("decisions");
    assert_eq!(decisions.len(), 3);
    assert!(
        decisions
            .iter()
            .all(|d| d.decision.kind == DecisionKind::Continue)
    );
    assert_eq!(decisions[0].decision.decided_on, day("2024-10-18"));
}

fn imports_the_json_sample(backend: Backend) {
    let db = TestDb::new(backend);
    let mut conn = db.conn();
    let want = expected();

    let report = run(&mut conn, &json_path(), false, false);
    let c = &report.catalogue;
    let ch = report.changes.as_ref().expect("written");
    assert_eq!(c.products.read, want.products);
    assert_eq!(ch.products.imported, want.products);
    assert_eq!(c.incubators_tally.read, want.incubators);
    assert_eq!(ch.incubators.imported, want.incubators);
    assert_eq!(c.phases.read, want.phases);
    // Every phase read is stored, left out with a reason, or a stop that ends a history.
    assert_eq!(
        ch.phases.imported,
        want.phases - c.phases.skipped_total() - c.phase_stops + c.phases_filled
    );
    assert_eq!(c.events.read, want.events);
    assert_eq!(ch.events.imported, want.events);
    assert_eq!(ch.decisions.imported, want.committees);
    assert!(!c.anomalies.is_empty());
    assert_eq!(
        products::count(&mut conn).expect("count") as usize,
        want.products
    );
    check_histories(&mut conn);

    let again = run(&mut conn, &json_path(), false, false);
    let ch = again.changes.as_ref().expect("written");
    assert!(!ch.changed(), "re-import changed {:?}", ch.details);
    assert_eq!(ch.products.unchanged, want.products);
    assert_eq!(ch.events.unchanged, want.events);
    assert!(again.to_string().contains("Aucun changement"));

    // A newer file: a renamed product and one more event.
    let text = std::fs::read_to_string(json_path()).expect("json");
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("json");
    let agora = &mut json["data"][0]["attributes"];
    agora["name"] = "Agora 2".into();
    agora["events"] =
        serde_json::json!([{"name": "committee", "date": "2024-01-10", "comment": "Poursuite"}]);
    let dir = tempfile::tempdir().expect("dir");
    let newer = dir.path().join("startups.json");
    std::fs::write(&newer, json.to_string()).expect("write");
    let update = run(&mut conn, newer.to_str().expect("utf-8"), false, false);
    let ch = update.changes.as_ref().expect("written");
    assert_eq!(ch.products.updated, 1);
    assert_eq!(ch.events.imported, 1);
    assert_eq!(ch.details, ["agora: name, events"]);
}

fn imports_the_content_directory(backend: Backend) {
    let db = TestDb::new(backend);
    let mut conn = db.conn();
    let want = expected();
    let report = run(&mut conn, &content_path(), false, false);
    let c = &report.catalogue;
    let ch = report.changes.as_ref().expect("written");
    assert_eq!(c.products.read, want.products);
    assert_eq!(ch.products.imported, want.products);
    assert_eq!(c.incubators_tally.read, want.incubators);
    assert_eq!(c.placeholders, 0);
    assert_eq!(c.phases.read, want.phases);
    assert_eq!(c.events.read, want.events);
    assert_eq!(ch.decisions.imported, want.committees);
    check_histories(&mut conn);
    let (_, dinum) =
        pilote_store::repo::incubators::find(&mut conn, &Slug::parse("dinum").expect("slug"))
            .expect("dinum");
    assert!(dinum.name.contains("DINUM"), "{}", dinum.name);
    assert_eq!(dinum.administration, "dinum");

    // The JSON is generated from these files: importing it on top changes no product.
    let json = run(&mut conn, &json_path(), false, false);
    let ch = json.changes.as_ref().expect("written");
    assert_eq!(ch.products.unchanged, want.products, "{:?}", ch.details);
    assert_eq!(
        ch.incubators.updated, 0,
        "the JSON never overwrites incubator names"
    );
}

fn strict_and_dry_run_write_nothing(backend: Backend) {
    let db = TestDb::new(backend);
    let mut conn = db.conn();
    let strict = run(&mut conn, &json_path(), true, false);
    assert!(strict.refused());
    assert_eq!(products::count(&mut conn).expect("count"), 0);

    let dry = run(&mut conn, &json_path(), false, true);
    assert_eq!(dry.changes.as_ref().expect("report").products.imported, 80);
    assert!(dry.to_string().starts_with("Simulation"));
    assert_eq!(products::count(&mut conn).expect("count"), 0);
    assert!(
        pilote_store::repo::incubators::list(&mut conn)
            .expect("list")
            .is_empty()
    );
}

fn cli_imports_through_the_binary(backend: Backend) {
    let db = TestDb::new(backend);
    let pilote = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_pilote"))
            .args([
                "import",
                "betagouv",
                &json_path(),
                "--database-url",
                db.url(),
            ])
            .args(extra)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run pilote")
    };
    let strict = pilote(&["--strict"]);
    assert_eq!(
        strict.status.code(),
        Some(3),
        "--strict with anomalies fails"
    );
    let ok = pilote(&[]);
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(stdout.contains("importés 80"), "{stdout}");
    let again = pilote(&[]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("Aucun changement"));
}

/// A phase the catalogue begins again (construction, then construction from another day) is
/// one phase record and a `continue` decision of the day it began again: nothing merged away;
/// a second import changes nothing.
fn a_phase_begun_again_keeps_its_day(backend: Backend) {
    let db = TestDb::new(backend);
    let mut conn = db.conn();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("startups.json");
    let catalogue = serde_json::json!({"data": [{
        "id": "reprise", "type": "startup",
        "attributes": {"name": "Reprise", "pitch": "Recommencer", "phases": [
            {"name": "investigation", "start": "2021-01-04", "end": "2021-06-01"},
            {"name": "construction", "start": "2021-06-01", "end": "2022-01-10"},
            {"name": "construction", "start": "2022-01-10"}
        ]},
        "relationships": {"incubator": {"data": {"type": "incubator", "id": "dinum"}}}
    }]});
    std::fs::write(&file, catalogue.to_string()).expect("write");
    let path = file.display().to_string();
    let report = run(&mut conn, &path, false, false);
    let changes = report.changes.expect("imported");
    assert_eq!(changes.decisions.imported, 1, "{changes:?}");
    assert!(
        report.catalogue.phases.skipped.is_empty(),
        "nothing left out: {:?}",
        report.catalogue.phases.skipped
    );
    let (records, status) = history(&mut conn, "reprise");
    assert_eq!(
        records,
        [
            rec(Phase::Investigation, "2021-01-04", Some("2021-06-01")),
            rec(Phase::Construction, "2021-06-01", None),
        ]
    );
    assert_eq!(status, ProductStatus::Active(Phase::Construction));
    let (id, _) = products::find(&mut conn, &Slug::parse("reprise").expect("slug")).expect("found");
    let decisions = phases::decisions(&mut conn, id).expect("decisions");
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].decision.kind, DecisionKind::Continue);
    assert_eq!(decisions[0].decision.decided_on, day("2022-01-10"));
    assert!(
        decisions[0]
            .decision
            .rationale
            .as_ref()
            .contains("Nouvelle période en construction"),
        "{:?}",
        decisions[0].decision.rationale
    );
    let again = run(&mut conn, &path, false, false);
    assert!(
        !again.changes.expect("ran").changed(),
        "a second import changes nothing"
    );
}

both_backends!(
    imports_the_json_sample,
    imports_the_content_directory,
    strict_and_dry_run_write_nothing,
    cli_imports_through_the_binary,
    a_phase_begun_again_keeps_its_day,
);

/// A file that is not a catalogue: refused in French, saying where, nothing written.
#[test]
fn an_unreadable_catalogue_is_refused_in_french() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"data": [{"id": 3}]}"#).expect("write");
    let content = dir.path().join("contenu");
    std::fs::create_dir_all(content.join("_startups")).expect("mkdir");
    std::fs::create_dir_all(content.join("_incubators")).expect("mkdir");
    std::fs::write(content.join("_startups/agora.md"), "pas d'en-tête\n").expect("write");
    let db = dir.path().join("p.db");
    let db = format!("sqlite://{}", db.display());
    let cases = [
        (
            bad.display().to_string(),
            "n'est pas un fichier startups.json : valeur inattendue ou manquante à « data[0].id » (ligne 1, colonne 18)",
        ),
        (
            dir.path().join("absent.json").display().to_string(),
            "fichier ou dossier introuvable",
        ),
        (
            content.display().to_string(),
            "agora : pas d'en-tête YAML (entre deux lignes « --- »)",
        ),
    ];
    for (file, expected) in cases {
        let out = crate::commands::run(
            dir.path(),
            &["import", "betagouv", &file, "--database-url", &db],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {stderr}");
        assert!(stderr.contains(expected), "{file}: {stderr}");
        for english in ["is not", "cannot", "invalid", "expected"] {
            assert!(!stderr.contains(english), "{file}: {stderr}");
        }
    }
}
