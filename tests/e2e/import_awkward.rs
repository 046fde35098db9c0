//! `pilote import betagouv` on `awkward/`: real products the importer used to leave out, and
//! the sample plus `awkward/`: every product kept, with its history and outcome.

use std::path::Path;

use chrono::NaiveDate;
use diesel::RunQueryDsl;
use pilote::import::{ImportOptions, ImportReport, import_betagouv};
use pilote_domain::{Outcome, Phase, PhaseRecord, PhaseReturn, ProductStatus, Slug};
use pilote_store::{
    Backend, DbConnection,
    repo::{import, phases, products},
    testing::TestDb,
};

const AWKWARD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/betagouv/awkward/startups.json"
);
use crate::commands::DATA;

fn run(conn: &mut DbConnection, path: &str) -> ImportReport {
    let options = ImportOptions {
        strict: false,
        dry_run: false,
    };
    import_betagouv(conn, Path::new(path), options).expect("import")
}

/// The catalogue's products, as a person counts them in a `startups.json`.
fn ids_in(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("startups.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    json["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect()
}

/// A product's catalogue id and outcome, found through its API answer's store read.
fn entry(conn: &mut DbConnection, slug: &str) -> (Option<String>, Option<Outcome>) {
    let (id, _) = products::find(conn, &Slug::parse(slug).expect("slug")).expect(slug);
    match import::catalogue_entry(conn, id).expect("entry") {
        Some((betagouv_id, outcome)) => (Some(betagouv_id), outcome),
        None => (None, None),
    }
}

/// The sample then `awkward/`, in either shape: all 82 products are in, none left out, each
/// with its catalogue id; e-inspé under its transliterated slug, candela and e-inspé
/// abandoned, signaux-faibles' return to acceleration kept; a second import changes nothing.
fn keeps_every_product_of_the_sample_and_awkward(backend: Backend, json: bool) {
    let db = TestDb::new(backend);
    let mut conn = db.conn();
    let (sample, awkward) = if json {
        (format!("{DATA}/startups.json"), AWKWARD.to_owned())
    } else {
        (format!("{DATA}/content"), format!("{DATA}/awkward/content"))
    };
    let mut ids = ids_in(&format!("{DATA}/startups.json"));
    ids.extend(ids_in(AWKWARD));
    for path in [&sample, &awkward] {
        let report = run(&mut conn, path);
        assert_eq!(report.catalogue.products.skipped_total(), 0, "{report}");
    }
    assert_eq!(
        products::count(&mut conn).expect("count") as usize,
        ids.len()
    );
    let overviews = products::overviews(&mut conn, None, day("2026-12-01")).expect("overviews");
    let mut stored: Vec<String> = overviews
        .iter()
        .map(|o| {
            o.betagouv_id
                .clone()
                .expect("every imported product has its id")
        })
        .collect();
    stored.sort();
    ids.sort();
    assert_eq!(stored, ids);

    assert_eq!(
        entry(&mut conn, "e-inspe"),
        (Some("e-inspé".to_owned()), Some(Outcome::Abandon))
    );
    let (id, _) = products::find(&mut conn, &Slug::parse("e-inspe").expect("slug")).expect("e");
    let history = phases::history(&mut conn, id).expect("history");
    assert_eq!(
        history.records(),
        [PhaseRecord {
            phase: Phase::Construction,
            started_on: day("2020-06-10"),
            ended_on: Some(day("2021-11-15")),
        }]
    );
    assert_eq!(entry(&mut conn, "candela").1, Some(Outcome::Abandon));

    // signaux-faibles went from perennisation back to acceleration: a recorded return.
    let (id, _) =
        products::find(&mut conn, &Slug::parse("signaux-faibles").expect("slug")).expect("sf");
    let history = phases::history(&mut conn, id).expect("history");
    assert_eq!(history.returns().len(), 1, "{:?}", history.records());
    let back: &PhaseReturn = &history.returns()[0];
    assert!(back.to < back.from, "{back:?}");
    assert!(history.records().iter().any(|r| history.is_return(r)));

    // Outcomes of finished products: every stopped one is an abandon unless it reached
    // perennisation; the sample has products transferred, operated and consolidated.
    let outcomes: Vec<Outcome> = overviews.iter().filter_map(|o| o.outcome).collect();
    for wanted in Outcome::ALL {
        assert!(outcomes.contains(&wanted), "no {wanted} in {outcomes:?}");
    }
    for o in &overviews {
        if o.status == ProductStatus::Stopped {
            assert!(
                o.outcome.is_some(),
                "{} stopped without outcome",
                o.product.slug
            );
        }
    }

    for path in [&sample, &awkward] {
        let again = run(&mut conn, path);
        let ch = again.changes.as_ref().expect("written");
        assert!(!ch.changed(), "re-import changed {:?}", ch.details);
    }
}

fn keeps_the_sample_and_awkward_json(backend: Backend) {
    keeps_every_product_of_the_sample_and_awkward(backend, true);
}

fn keeps_the_sample_and_awkward_content(backend: Backend) {
    keeps_every_product_of_the_sample_and_awkward(backend, false);
}

/// Re-imports find a product by its catalogue id, whatever its slug became in Pilote.
fn reimports_match_on_the_catalogue_id(backend: Backend) {
    let db = TestDb::new(backend);
    let mut conn = db.conn();
    run(&mut conn, AWKWARD);
    diesel::sql_query("UPDATE products SET slug = 'e-inspe-renomme' WHERE slug = 'e-inspe'")
        .execute(&mut conn)
        .expect("rename");
    let again = run(&mut conn, AWKWARD);
    let ch = again.changes.as_ref().expect("written");
    assert!(!ch.changed(), "{:?}", ch.details);
    assert_eq!(products::count(&mut conn).expect("count"), 2);
    assert_eq!(
        entry(&mut conn, "e-inspe-renomme").0.as_deref(),
        Some("e-inspé")
    );
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// candela's only phase is `abandon-investigation` (2021-07-09 → 2021-10-15): it is kept as an
/// investigation stopped on its end, as the file says.
fn keeps_a_product_stopped_during_its_investigation(backend: Backend) {
    let db = TestDb::new(backend);
    let mut conn = db.conn();
    let report = run(&mut conn, AWKWARD);
    let c = &report.catalogue;
    let ch = report.changes.as_ref().expect("written");
    assert_eq!(
        ch.phases.imported,
        c.phases.read - c.phases.skipped_total() - c.phase_stops + c.phases_filled
    );

    let slug = Slug::parse("candela").expect("slug");
    let (id, _) = products::find(&mut conn, &slug).expect("candela is imported");
    let history = phases::history(&mut conn, id).expect("history");
    assert_eq!(
        history.records(),
        [PhaseRecord {
            phase: Phase::Investigation,
            started_on: day("2021-07-09"),
            ended_on: Some(day("2021-10-15")),
        }]
    );
    assert_eq!(history.status(), ProductStatus::Stopped);
    assert_eq!(history.stopped_on(), Some(day("2021-10-15")));
    assert!(
        !c.anomalies.iter().any(|a| a.subject == "candela"),
        "{:?}",
        c.anomalies
    );
}

/// After `import`, a sync of the same catalogue has nothing to do; a product without a record
/// of its last sync (imported by an older Pilote) is never overwritten: a difference is a
/// conflict, reported once.
fn a_sync_after_an_import_changes_nothing(backend: Backend) {
    let db = TestDb::new(backend);
    let mut conn = db.conn();
    let sample = format!("{DATA}/startups.json");
    run(&mut conn, &sample);
    let catalogue = pilote::import::betagouv::read(Path::new(&sample)).expect("read");
    let sync = |conn: &mut DbConnection, c: &pilote::import::Catalogue| {
        pilote_store::transaction::write(conn, |t| {
            pilote_store::repo::sync::apply(t, &c.incubators, &c.products_out)
        })
        .expect("sync")
    };
    let changes = sync(&mut conn, &catalogue);
    assert!(!changes.changed(), "{changes:?}");
    assert!(changes.conflicts.is_empty(), "{:?}", changes.conflicts);

    diesel::sql_query("UPDATE product_catalogue SET synced = NULL")
        .execute(&mut conn)
        .expect("forget the base");
    let mut renamed = pilote::import::betagouv::read(Path::new(&sample)).expect("read");
    let agora = renamed
        .products_out
        .iter_mut()
        .find(|p| p.betagouv_id == "agora")
        .expect("agora");
    agora.product.name = "Agora renommé".to_owned();
    let changes = sync(&mut conn, &renamed);
    assert_eq!(changes.conflicts.len(), 1, "{:?}", changes.conflicts);
    assert_eq!(changes.conflicts[0].field, "name");
    let (_, agora) = products::find(&mut conn, &Slug::parse("agora").expect("slug")).expect("a");
    assert_eq!(agora.name, "Agora");
    let changes = sync(&mut conn, &renamed);
    assert!(
        changes.conflicts.is_empty() && !changes.changed(),
        "{changes:?}"
    );
}

both_backends!(
    a_sync_after_an_import_changes_nothing,
    keeps_a_product_stopped_during_its_investigation,
    keeps_the_sample_and_awkward_json,
    keeps_the_sample_and_awkward_content,
    reimports_match_on_the_catalogue_id,
);
