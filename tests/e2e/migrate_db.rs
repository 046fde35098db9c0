//! `pilote migrate-db`: the demo portfolio moves from SQLite to PostgreSQL and back without
//! losing a row or a bit, and PostgreSQL hands out fresh ids afterwards.

use std::path::Path;

use chrono::NaiveDate;
use pilote_domain::Slug;
use pilote_store::{
    Actor, Backend, Database, ProductId,
    copy::{self, TABLES, TableChecksum},
    repo::products,
    testing::TestDb,
    transaction,
};

use crate::{
    commands::{demo_sqlite, sqlite},
    helpers::pilote,
};

fn checksums(db: &Database) -> Vec<TableChecksum> {
    copy::checksums(&mut db.get().expect("connection")).expect("checksums")
}

fn migrate_db(dir: &Path, from: &str, to: &str) -> std::process::Output {
    pilote(dir)
        .args(["migrate-db", "--from", from, "--to", to])
        .output()
        .expect("run pilote migrate-db")
}

#[test]
fn the_demo_portfolio_moves_to_postgres_and_back_row_for_row() {
    let dir = tempfile::tempdir().expect("dir");
    let today = NaiveDate::from_ymd_opt(2025, 6, 18).expect("date");
    let (source_url, source) = demo_sqlite(dir.path(), "source.db", 2024, today);
    let original = checksums(&source);
    assert_eq!(
        original.iter().map(|t| t.table).collect::<Vec<_>>(),
        TABLES,
        "every table is checked"
    );
    for table in [
        "incubators",
        "products",
        "indicators",
        "measures",
        "audit_log",
    ] {
        let sum = original.iter().find(|t| t.table == table).expect("table");
        assert!(sum.rows > 0, "the demo fills {table}");
    }

    // SQLite → PostgreSQL through the command, as an operator would run it.
    let postgres = TestDb::new(Backend::Postgres);
    let out = migrate_db(dir.path(), &source_url, postgres.url());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(checksums(&postgres.db), original, "SQLite → PostgreSQL");

    // PostgreSQL → a fresh SQLite file.
    let (_, back) = sqlite(&dir.path().join("back.db"));
    let copied = copy::copy_database(&postgres.db, &back).expect("copy back");
    assert_eq!(copied, original, "PostgreSQL → SQLite");
    assert_eq!(checksums(&back), original);

    // A target holding anything is refused, and left as it was.
    let again = migrate_db(dir.path(), &source_url, postgres.url());
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("la base cible n'est pas vide"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(checksums(&postgres.db), original);

    // The sequences were moved past the copied ids: a new product gets a fresh one.
    let mut conn = postgres.conn();
    let last = products::count(&mut conn).expect("count");
    let mut product = products::get(&mut conn, ProductId(1)).expect("first product");
    product.slug = Slug::parse("nouveau-apres-copie").expect("slug");
    // Without the reset the sequence would hand out id 1 again, a unique violation.
    let id = transaction::write(&mut conn, |c| products::insert(c, &product, Actor::System))
        .expect("insert after the copy");
    assert!(id.0 > last, "fresh id {} after {last} products", id.0);
}
