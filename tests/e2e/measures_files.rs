//! `pilote import measures` / `pilote export measures`: CSV and JSON files through the real
//! binary, into a database of either backend, with the API's parser and rules.

use std::{path::Path, process::Output};

use chrono::NaiveDate;
use pilote_domain::{Period, Slug};
use pilote_store::{
    Backend,
    repo::{indicators, measures, products},
    testing::TestDb,
};

use crate::commands::{demo_sqlite, import_all, ok, path, run};

/// `pilote export measures ARGS --out FILE`, the file's bytes.
fn export(dir: &Path, url: &str, args: &[&str], file: &str) -> Vec<u8> {
    let out = path(dir, file);
    let mut all = vec!["export", "measures", "--database-url", url, "--out", &out];
    all.extend_from_slice(args);
    ok(&run(dir, &all));
    std::fs::read(&out).expect("export")
}

/// `pilote import measures FILE ARGS --database-url URL`, the command's output.
fn import(dir: &Path, file: &str, args: &[&str], url: &str) -> Output {
    let file = path(dir, file);
    let mut all = vec!["import", "measures", &file];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--database-url", url]);
    run(dir, &all)
}

/// Asserts the command refused its input (exit 3): its standard error.
fn bad_input(out: Output) -> String {
    assert_eq!(out.status.code(), Some(3));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A SQLite database with the demo portfolio, and the same database emptied of its measures
/// (loaded from its dump with the measure tables cleared) on `backend`.
fn databases(dir: &Path, backend: Backend) -> (String, TestDb) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
    let (url, _) = demo_sqlite(dir, "source.db", 11, today);
    let dump = dir.join("dump.json");
    ok(&run(
        dir,
        &[
            "export",
            "all",
            "--database-url",
            &url,
            "--out",
            dump.to_str().expect("utf-8"),
        ],
    ));
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&dump).expect("dump")).expect("JSON");
    for table in json["tables"].as_array_mut().expect("tables") {
        if table["table"] == "measures" || table["table"] == "measure_history" {
            table["rows"] = serde_json::json!([]);
        }
    }
    std::fs::write(&dump, json.to_string()).expect("write");
    let target = TestDb::new(backend);
    ok(&import_all(dir, &dump, target.url()));
    (url, target)
}

fn measures_round_trip(backend: Backend) {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    let (source, target) = databases(d, backend);
    let first_product = {
        let json: serde_json::Value =
            serde_json::from_slice(&export(d, &source, &["--format", "json"], "all.json"))
                .expect("JSON");
        json["products"][0]["product"]
            .as_str()
            .expect("slug")
            .to_owned()
    };

    // One product as CSV: export, import into the other database, export again.
    let csv = export(d, &source, &["--product", &first_product], "one.csv");
    assert!(csv.starts_with(b"indicator,period,value,comment\n"));
    let report = ok(&import(
        d,
        "one.csv",
        &["--product", &first_product],
        target.url(),
    ));
    assert!(report.contains("créées"), "{report}");
    assert_eq!(
        export(
            d,
            target.url(),
            &["--product", &first_product],
            "one-back.csv"
        ),
        csv
    );
    // The same file again changes nothing.
    let again = ok(&import(
        d,
        "one.csv",
        &["--product", &first_product],
        target.url(),
    ));
    assert!(again.contains(" 0 créées, 0 corrigées"), "{again}");

    // The whole portfolio as JSON: export, import, export again identical.
    let all = std::fs::read(d.join("all.json")).expect("all.json");
    ok(&import(d, "all.json", &[], target.url()));
    assert_eq!(
        export(d, target.url(), &["--format", "json"], "all-back.json"),
        all
    );
    assert_eq!(
        export(d, target.url(), &[], "all-back.csv"),
        export(d, &source, &[], "all.csv"),
        "the portfolio CSV too"
    );

    // The whole portfolio as CSV (a leading `product` column) into a third database: a dry
    // run writes nothing, then export → import → export again identical.
    let portfolio_csv = export(d, &source, &[], "all.csv");
    assert!(portfolio_csv.starts_with(b"product,indicator,period,value,comment\n"));
    let csv_target = TestDb::new(backend);
    ok(&import_all(d, &d.join("dump.json"), csv_target.url()));
    let empty = export(d, csv_target.url(), &[], "empty.csv");
    let dry = ok(&import(d, "all.csv", &["--dry-run"], csv_target.url()));
    assert!(dry.contains("Simulation"), "{dry}");
    assert_eq!(
        export(d, csv_target.url(), &[], "still-empty.csv"),
        empty,
        "a dry run writes nothing"
    );
    let report = ok(&import(d, "all.csv", &[], csv_target.url()));
    assert!(report.contains(&first_product), "{report}");
    assert_eq!(
        export(d, csv_target.url(), &[], "all-back-from-csv.csv"),
        portfolio_csv,
        "the portfolio CSV round-trips"
    );
    // `--product` picks one product out of it; the same values again change nothing.
    let one = ok(&import(
        d,
        "all.csv",
        &["--product", &first_product],
        csv_target.url(),
    ));
    assert!(one.contains(" 0 créées, 0 corrigées"), "{one}");
    assert_eq!(
        one.lines().count(),
        2,
        "one product, then the totals: {one}"
    );

    // A French Excel file corrects one value: the old one stays in history.
    let mut conn = target.conn();
    let slug = Slug::parse(&first_product).expect("slug");
    let (product, _) = products::find(&mut conn, &slug).expect("product");
    let (indicator_id, indicator) = indicators::list(&mut conn, product)
        .expect("indicators")
        .into_iter()
        .next()
        .expect("an indicator");
    let last = measures::series(&mut conn, indicator_id, None)
        .expect("series")
        .last()
        .expect("values")
        .period;
    let excel = format!(
        "\u{feff}indicator;period;value;comment\r\n{};{last};12345,5;Corrigé après vérification\r\n",
        indicator.key
    );
    std::fs::write(d.join("excel.csv"), excel).expect("write");
    let dry = ok(&import(
        d,
        "excel.csv",
        &["--product", &first_product, "--dry-run"],
        target.url(),
    ));
    assert!(dry.contains("Simulation"), "{dry}");
    assert!(dry.contains("1 corrigées"), "{dry}");
    let period = Period::containing(indicator.periodicity, last);
    assert_eq!(
        measures::history(&mut conn, indicator_id, period)
            .expect("history")
            .len(),
        1,
        "a dry run writes nothing"
    );
    let fixed = ok(&import(
        d,
        "excel.csv",
        &["--product", &first_product],
        target.url(),
    ));
    assert!(fixed.contains("1 corrigées"), "{fixed}");
    let versions = measures::history(&mut conn, indicator_id, period).expect("history");
    assert_eq!(versions.len(), 2, "the replaced value is kept");
    assert_eq!(versions[0].value, 12345.5);
    assert_eq!(
        versions[0].comment.as_deref(),
        Some("Corrigé après vérification")
    );

    // A correction through a portfolio CSV (French Excel flavour) keeps history too.
    let excel = format!(
        "\u{feff}product;indicator;period;value;comment\r\n{first_product};{};{last};54321,5;Corrigé\r\n",
        indicator.key
    );
    std::fs::write(d.join("excel-portfolio.csv"), excel).expect("write");
    let fixed = ok(&import(d, "excel-portfolio.csv", &[], csv_target.url()));
    assert!(fixed.contains("1 corrigées"), "{fixed}");
    let mut csv_conn = csv_target.conn();
    let (csv_product, _) = products::find(&mut csv_conn, &slug).expect("product");
    let (csv_indicator, _) = indicators::list(&mut csv_conn, csv_product)
        .expect("indicators")
        .into_iter()
        .find(|(_, i)| i.key == indicator.key)
        .expect("the indicator");
    let versions = measures::history(&mut csv_conn, csv_indicator, period).expect("history");
    assert_eq!(versions.len(), 2, "the replaced value is kept");
    assert_eq!(versions[0].value, 54321.5);

    // Bad rows: every one reported with its line and column, nothing written, exit 3.
    let before = export(d, target.url(), &["--format", "json"], "before.json");
    let bad = format!(
        "indicator;period;value\r\ninconnu;{last};1\r\n{key};{last};12,5,3\r\n{key};pas-une-date;3\r\n{key};{last};4\r\n",
        key = indicator.key
    );
    std::fs::write(d.join("bad.csv"), bad).expect("write");
    let stderr = bad_input(import(
        d,
        "bad.csv",
        &["--product", &first_product],
        target.url(),
    ));
    for expected in [
        "ligne 3, colonne C (valeur) : \"12,5,3\" n'est pas un nombre",
        "ligne 4, colonne B (période) : \"pas-une-date\" n'est pas une date",
        "rien n'a été écrit",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
    let bad_indicator = format!("indicator,period,value\ninconnu,{last},1\n");
    std::fs::write(d.join("bad2.csv"), bad_indicator).expect("write");
    let stderr = bad_input(import(
        d,
        "bad2.csv",
        &["--product", &first_product],
        target.url(),
    ));
    assert!(
        stderr.contains("ligne 2, colonne A (indicateur)"),
        "{stderr}"
    );
    // A portfolio CSV naming an unknown product: refused on that product's lines, with the
    // other product's good row not written either.
    let unknown_product = format!(
        "product;indicator;period;value\r\n{first_product};{key};{last};7\r\ninconnu;{key};{last};1\r\ninconnu;{key};{last};2\r\n",
        key = indicator.key
    );
    std::fs::write(d.join("bad3.csv"), unknown_product).expect("write");
    let stderr = bad_input(import(d, "bad3.csv", &[], target.url()));
    for expected in [
        "ligne 3, colonne A (produit) : produit inconnu : inconnu",
        "ligne 4, colonne A (produit) : produit inconnu : inconnu",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
    assert!(!stderr.contains("ligne 2"), "{stderr}");
    // A bad cell in a portfolio CSV is named by its own line too.
    let bad_cell = format!(
        "product,indicator,period,value,comment\n{first_product},{key},{last},1,\"deux\nlignes\"\n{first_product},{key},{last},x,\n",
        key = indicator.key
    );
    std::fs::write(d.join("bad4.csv"), bad_cell).expect("write");
    let stderr = bad_input(import(d, "bad4.csv", &[], target.url()));
    assert!(
        stderr.contains("ligne 4, colonne D (valeur) : \"x\" n'est pas un nombre"),
        "{stderr}"
    );
    assert_eq!(
        export(d, target.url(), &["--format", "json"], "after.json"),
        before,
        "nothing written"
    );

    // A CSV file without --product is a usage error (2); an unknown product is bad input (3).
    let usage = import(d, "one.csv", &[], target.url());
    assert_eq!(usage.status.code(), Some(2));
    let unknown = bad_input(import(
        d,
        "one.csv",
        &["--product", "inconnu"],
        target.url(),
    ));
    assert!(unknown.contains("produit inconnu"));
    let unknown = bad_input(run(
        d,
        &[
            "export",
            "measures",
            "--product",
            "inconnu",
            "--database-url",
            target.url(),
        ],
    ));
    assert!(unknown.contains("produit inconnu"));
}

both_backends!(measures_round_trip);
