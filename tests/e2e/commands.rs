//! The command line on files: the beta.gouv.fr sample data, one command run to its end, and
//! SQLite databases in a test's directory (the demo in them if asked).

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use chrono::NaiveDate;
use pilote_store::Database;

use crate::helpers::pilote;

/// The beta.gouv.fr sample: `startups.json` and the `content/` directory.
pub const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/betagouv");

/// Runs `pilote ARGS...` in `dir` to its end, logging warnings only.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    pilote(dir)
        .env("RUST_LOG", "warn")
        .args(args)
        .output()
        .expect("run pilote")
}

/// Asserts that a command succeeded; its standard output.
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `dir/name` as a string, for command arguments.
pub fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().expect("utf-8").to_owned()
}

/// The URL of the SQLite file `path`, and the database opened on it (not migrated).
pub fn sqlite(path: &Path) -> (String, Database) {
    let url = format!("sqlite://{}", path.display());
    let db = Database::open(&url, &Default::default()).expect("open sqlite");
    (url, db)
}

/// A migrated SQLite file `dir/name`: its URL and the database.
pub fn fresh_sqlite(dir: &Path, name: &str) -> (String, Database) {
    let (url, db) = sqlite(&dir.join(name));
    db.migrate().expect("migrate");
    (url, db)
}

/// A migrated SQLite file `dir/name` holding the demo portfolio of `seed` as of `today`.
pub fn demo_sqlite(dir: &Path, name: &str, seed: u64, today: NaiveDate) -> (String, Database) {
    let (url, db) = fresh_sqlite(dir, name);
    pilote::demo::load(&mut db.get().expect("connection"), seed, today).expect("demo");
    (url, db)
}

/// `pilote import all DUMP --database-url URL` run in `dir`: the command's output.
pub fn import_all(dir: &Path, dump: &Path, url: &str) -> Output {
    let dump = dump.to_str().expect("utf-8");
    run(dir, &["import", "all", dump, "--database-url", url])
}

/// `npm ci` in `dir`, unless its `node_modules` is already as the lock file says: the browser
/// suite (`browser/`) and the fake ProConnect (`tests/oidc/`) need Node.js 20+ and npm.
pub fn npm_ci(dir: &Path) {
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
        .expect("run npm ci (Node.js 20+ and npm are needed)");
    assert!(out.status.success(), "npm ci failed:\n{}", shown(&out));
}

/// What a command wrote, its standard output then its standard error, for a failure message.
pub fn shown(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
