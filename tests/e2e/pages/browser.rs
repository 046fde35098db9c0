//! The browser suite of `browser/run.mjs` (playwright-core driving Debian's Chromium, axe-core
//! on every page type, 320 px and 1920 px widths) against the real server with the demo.
//! `npm ci` runs first when `browser/node_modules` is missing or older than the lock file.
//! With `PILOTE_SCREENSHOTS=<dir>`, the runner's screenshot mode then writes its PNGs there.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use chrono::Utc;
use pilote_domain::{MeasureSource, MeasureValue, Period};
use pilote_store::{
    Actor, Database,
    repo::{indicators, measures, products},
    transaction,
};

use super::{CHROMIUM, PASSWORD, account::product_with_reviews, start};
use crate::commands::{npm_ci, shown};

const ADMIN: &str = "admin-navigateur@test.gouv.fr";

/// Slips a decimal point in the latest value of one of the product's indicators with enough
/// history, as a form would: flagged as suspect, so that axe also checks the product page's
/// list of values to check and its clearing forms; then posts an ordinary value for the next
/// period, so that the suspect value is no longer the latest (the suite clears it from the
/// page). Not the first indicator: the suite changes that one through the weekly form, which
/// would then ask to confirm a suspect value.
fn flag_a_value_then_post_another(db: &Database, slug: &str) {
    let mut conn = db.get().expect("connection");
    let slug = pilote_domain::Slug::parse(slug).expect("slug");
    let (product, _) = products::find(&mut conn, &slug).expect("product");
    for (id, indicator) in indicators::list(&mut conn, product)
        .expect("indicators")
        .into_iter()
        .skip(1)
    {
        let series = measures::series(&mut conn, id, None).expect("series");
        let Some(latest) = series.last().filter(|_| series.len() > 8) else {
            continue;
        };
        // The latest period, or the one before if the next would be in the future.
        let today = Utc::now().date_naive();
        let latest_period = Period::containing(indicator.periodicity, latest.period);
        let period = if latest_period.next().start() <= today {
            latest_period
        } else {
            latest_period.prev()
        };
        let input = |period: Period, value: f64| measures::MeasureInput {
            indicator: id,
            period,
            value: MeasureValue::new(value).expect("value"),
            comment: None,
        };
        let post = |conn: &mut pilote_store::DbConnection, row| {
            transaction::write(conn, |c| {
                measures::post(
                    c,
                    product,
                    &[row],
                    MeasureSource::Form,
                    Actor::System,
                    today,
                )
            })
            .expect("post")
        };
        let slipped = post(&mut conn, input(period, latest.value * 10.0 + 10.0));
        assert_eq!(slipped.suspects.len(), 1, "the slipped value is flagged");
        // The period after it (the one in progress at the latest, which may be posted).
        let next = post(&mut conn, input(period.next(), latest.value));
        assert!(next.suspects.is_empty(), "the next value is ordinary");
        return;
    }
    panic!("the product has a second indicator with history");
}

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("browser")
}

/// An invitation's page, for the suite to check: the server's SMTP relay is out of reach,
/// so the link comes back to the inviting administrator.
fn invitation_link(server: &crate::helpers::Server) -> String {
    let admin = server.login(ADMIN, PASSWORD);
    let body = serde_json::json!({"email": "invitee-navigateur@test.gouv.fr",
        "name": "Invitée", "role": "viewer"});
    let reply = server.json_as("POST", "/api/v1/invitations", Some(&admin), &body);
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    let link = reply.body["link"].as_str().expect("the link, not e-mailed");
    let path = &link[link.find("/invitation/").expect("an invitation path")..];
    format!("{}{path}", server.base)
}

#[test]
fn the_browser_suite_passes() {
    if !super::browser_available(true) {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let (server, published) = start(dir.path());
    let url = super::add_admin(dir.path(), ADMIN, "Navigatrice");
    let db = Database::open(&url, &Default::default()).expect("open");
    let product = product_with_reviews(&db);
    flag_a_value_then_post_another(&db, &product);
    let invitation = invitation_link(&server);

    let browser = browser_dir();
    npm_ci(&browser);
    let run = |extra: &[&str]| {
        Command::new("node")
            .arg(browser.join("run.mjs"))
            .args(extra)
            .args(["--product", &product, "--public", &published])
            .args(["--invitation", &invitation])
            .arg(&server.base)
            .env("PILOTE_EMAIL", ADMIN)
            .env("PILOTE_PASSWORD", PASSWORD)
            .env("PILOTE_CHROMIUM", CHROMIUM)
            .output()
            .expect("run node")
    };
    let out = run(&[]);
    println!("{}", shown(&out));
    assert!(
        out.status.success(),
        "the browser suite failed:\n{}",
        shown(&out)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(" passed, 0 failed"));

    if let Some(target) = std::env::var_os("PILOTE_SCREENSHOTS") {
        let target = target.to_string_lossy().into_owned();
        let out = run(&["--screenshots", &target]);
        assert!(out.status.success(), "screenshots failed:\n{}", shown(&out));
    }
}
