//! `pilote import betagouv` on `awkward/`: real products the importer used to leave out.

use std::path::Path;

use chrono::NaiveDate;
use pilote::import::{ImportOptions, import_betagouv};
use pilote_domain::{Phase, PhaseRecord, ProductStatus, Slug};
use pilote_store::{
    Backend,
    repo::{phases, products},
    testing::TestDb,
};

const AWKWARD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/betagouv/awkward/startups.json"
);

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// candela's only phase is `abandon-investigation` (2021-07-09 → 2021-10-15): it is kept as an
/// investigation stopped on its end, as the file says.
fn keeps_a_product_stopped_during_its_investigation(backend: Backend) {
    let db = TestDb::new(backend);
    let mut conn = db.conn();
    let options = ImportOptions {
        strict: false,
        dry_run: false,
    };
    let report = import_betagouv(&mut conn, Path::new(AWKWARD), options).expect("import");
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

macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { super::$name(pilote_store::Backend::Sqlite) })*
        }
        mod postgres {
            $(#[test] fn $name() { super::$name(pilote_store::Backend::Postgres) })*
        }
    };
}

both_backends!(keeps_a_product_stopped_during_its_investigation);
