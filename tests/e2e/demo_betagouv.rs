//! `pilote demo --from-betagouv PATH`: the real sample catalogue with synthetic measures.

use std::path::Path;

use chrono::NaiveDate;
use pilote_domain::{Phase, ProductStatus, Slug};
use pilote_store::{
    Database,
    repo::{indicators, measures, phases, products},
};

use crate::commands::{DATA, run};

fn demo(dir: &Path, name: &str) -> (String, std::process::Output) {
    let url = format!("sqlite://{}", dir.join(name).display());
    let out = run(
        dir,
        &[
            "demo",
            "--from-betagouv",
            &format!("{DATA}/startups.json"),
            "--seed",
            "5",
            "--today",
            "2026-11-23",
            "--database-url",
            &url,
        ],
    );
    (url, out)
}

#[test]
fn the_demo_starts_from_the_real_catalogue() {
    let dir = tempfile::tempdir().expect("dir");
    let (url, out) = demo(dir.path(), "a.db");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("catalogue beta.gouv.fr"), "{stdout}");

    let text = std::fs::read_to_string(format!("{DATA}/startups.json")).expect("json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    let expected = json["data"].as_array().expect("data").len() as i64;

    let db = Database::open(&url, &Default::default()).expect("open");
    let mut conn = db.get().expect("conn");
    assert_eq!(products::count(&mut conn).expect("count"), expected);

    // Real names and phase histories, as `pilote import betagouv` writes them.
    let (id, dialogue) =
        products::find(&mut conn, &Slug::parse("dialogue").expect("slug")).expect("dialogue");
    let source_name = json["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|s| s["id"] == "dialogue")
        .expect("in the sample")["attributes"]["name"]
        .as_str()
        .expect("name")
        .to_owned();
    assert_eq!(dialogue.name, source_name);
    let history = phases::history(&mut conn, id).expect("history");
    assert_eq!(history.status(), ProductStatus::Active(Phase::Acceleration));
    assert_eq!(
        history.records()[0].started_on,
        NaiveDate::from_ymd_opt(2022, 3, 21).expect("date")
    );

    // Synthetic measures over the product's real life: every indicator has values, none
    // after a stopped product's stop.
    let list = indicators::list(&mut conn, id).expect("indicators");
    assert!((2..=5).contains(&list.len()), "{} indicators", list.len());
    assert!(list[0].1.north_star);
    for (indicator, _) in &list {
        assert!(
            !measures::series(&mut conn, *indicator, None)
                .expect("series")
                .is_empty()
        );
    }
    let (stopped, _) = products::find(
        &mut conn,
        &Slug::parse("aquaculteurs.marins").expect("slug"),
    )
    .expect("stopped product");
    let stopped_on = phases::history(&mut conn, stopped)
        .expect("history")
        .stopped_on()
        .expect("stopped");
    for (indicator, _) in indicators::list(&mut conn, stopped).expect("indicators") {
        for m in measures::series(&mut conn, indicator, None).expect("series") {
            assert!(m.period <= stopped_on, "{} after the stop", m.period);
        }
    }

    // The same seed, day and catalogue give the same measures.
    let (other, out) = demo(dir.path(), "b.db");
    assert!(out.status.success());
    let export = |url: &str| {
        run(
            dir.path(),
            &[
                "export",
                "measures",
                "--format",
                "json",
                "--database-url",
                url,
            ],
        )
        .stdout
    };
    let first = export(&url);
    assert!(first.len() > 10_000, "{} bytes", first.len());
    assert_eq!(first, export(&other));

    // A database that holds products is refused (exit 4).
    let (_, again) = demo(dir.path(), "a.db");
    assert_eq!(again.status.code(), Some(4));
}
