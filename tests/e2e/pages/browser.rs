//! The browser suite of `browser/run.mjs` (playwright-core driving Debian's Chromium, axe-core
//! on every page type, 320 px and 1920 px widths) against the real server with the demo.
//! `npm ci` runs first when `browser/node_modules` is missing or older than the lock file.
//! With `PILOTE_SCREENSHOTS=<dir>`, the runner's screenshot mode then writes its PNGs there.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use pilote_store::Database;

use super::{CHROMIUM, PASSWORD, account::product_with_reviews, start};
use crate::helpers::add_user;

const ADMIN: &str = "admin-navigateur@test.gouv.fr";

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("browser")
}

fn shown(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `npm ci`, unless `node_modules` is already as the lock file says.
fn install(dir: &Path) {
    let modified = |p: PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let installed = modified(dir.join("node_modules/.package-lock.json"));
    let locked = modified(dir.join("package-lock.json"));
    if matches!((installed, locked), (Some(i), Some(l)) if i >= l) {
        return;
    }
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .output()
        .expect("run npm ci");
    assert!(out.status.success(), "npm ci failed:\n{}", shown(&out));
}

#[test]
fn the_browser_suite_passes() {
    if !super::browser_available(true) {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let (server, published) = start(dir.path());
    let url = format!("sqlite://{}", dir.path().join("pages.db").display());
    let added = add_user(
        dir.path(),
        &url,
        &["--email", ADMIN, "--name", "Navigatrice", "--role", "admin"],
        PASSWORD,
    );
    assert!(added.status.success(), "{}", shown(&added));
    let db = Database::open(&url, &Default::default()).expect("open");
    let product = product_with_reviews(&db);

    let browser = browser_dir();
    install(&browser);
    let run = |extra: &[&str]| {
        Command::new("node")
            .arg(browser.join("run.mjs"))
            .args(extra)
            .args(["--product", &product, "--public", &published])
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
