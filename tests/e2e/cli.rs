//! The other subcommands: migrate, demo, user add, and refusals with clear messages.

use pilote_domain::{Email, Grant};
use pilote_store::{Backend, repo::users, testing::TestDb};

use crate::{
    commands::{DATA, run},
    helpers::{add_user, pilote},
};

fn user_add_reads_the_password_from_stdin_and_stores_a_hash(backend: Backend) {
    let db = TestDb::new(backend);
    let dir = tempfile::tempdir().expect("dir");
    let ok = add_user(
        dir.path(),
        db.url(),
        &[
            "--email",
            "Admin@Pilote.Gouv.fr",
            "--name",
            "Alex Admin",
            "--role",
            "admin",
        ],
        "un mot de passe assez long",
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("admin@pilote.gouv.fr"));

    let mut conn = db.conn();
    let user = users::find_by_email(
        &mut conn,
        &Email::parse("admin@pilote.gouv.fr").expect("email"),
    )
    .expect("stored");
    let hash = user.password_hash.expect("a password");
    assert!(hash.starts_with("$argon2id$"));
    assert!(!hash.contains("un mot de passe"));
    assert_eq!(
        users::grants(&mut conn, user.id).expect("grants"),
        [Grant::Admin]
    );

    let again = add_user(
        dir.path(),
        db.url(),
        &[
            "--email",
            "admin@pilote.gouv.fr",
            "--name",
            "Autre",
            "--role",
            "viewer",
        ],
        "un mot de passe assez long",
    );
    assert!(!again.status.success(), "a taken email is refused");

    let short = add_user(
        dir.path(),
        db.url(),
        &[
            "--email",
            "court@pilote.gouv.fr",
            "--name",
            "Court",
            "--role",
            "viewer",
        ],
        "court",
    );
    assert!(!short.status.success());
    assert!(
        String::from_utf8_lossy(&short.stderr)
            .contains("password : Le mot de passe doit compter au moins 12 caractères.")
    );

    let unscoped = add_user(
        dir.path(),
        db.url(),
        &[
            "--email",
            "m@pilote.gouv.fr",
            "--name",
            "M",
            "--role",
            "manager",
        ],
        "un mot de passe assez long",
    );
    assert!(String::from_utf8_lossy(&unscoped.stderr).contains("--incubator est obligatoire"));
}

both_backends!(user_add => user_add_reads_the_password_from_stdin_and_stores_a_hash);

#[test]
fn migrate_then_demo_refuses_a_second_load() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let migrate = pilote(dir.path())
        .args(["migrate", "--database-url", &url])
        .output()
        .expect("migrate");
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    let demo = pilote(dir.path())
        .args([
            "demo",
            "--database-url",
            &url,
            "--seed",
            "7",
            "--today",
            "2026-11-23",
        ])
        .output()
        .expect("demo");
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let printed = String::from_utf8_lossy(&demo.stdout);
    assert!(printed.contains("Portefeuille de démonstration chargé"));
    // One account per role, its generated password printed once.
    let accounts: Vec<&str> = printed
        .lines()
        .filter(|l| l.starts_with("compte de démonstration : "))
        .collect();
    assert_eq!(accounts.len(), 4, "{printed}");
    assert!(
        accounts[0].starts_with("compte de démonstration : administrateur@demo.pilote.example / ")
    );

    // The review-pack charts, without a server.
    let out = dir.path().join("charts");
    let portfolio = pilote(dir.path())
        .args([
            "render",
            "--portfolio",
            "--format",
            "both",
            "--database-url",
            &url,
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("render portfolio");
    assert!(
        portfolio.status.success(),
        "{}",
        String::from_utf8_lossy(&portfolio.stderr)
    );
    for file in [
        "phases.svg",
        "timeline.svg",
        "drift.svg",
        "phases.png",
        "timeline.png",
        "drift.png",
    ] {
        let bytes = std::fs::read(out.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(bytes.len() > 1_000, "{file} is {} bytes", bytes.len());
    }
    let db = pilote_store::Database::open(&url, &Default::default()).expect("open");
    let slug = pilote_store::repo::products::overviews(
        &mut db.get().expect("conn"),
        None,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"),
    )
    .expect("products")[0]
        .product
        .slug
        .to_string();
    let product = pilote(dir.path())
        .args([
            "render",
            "--product",
            &slug,
            "--format",
            "svg",
            "--database-url",
            &url,
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("render product");
    assert!(
        product.status.success(),
        "{}",
        String::from_utf8_lossy(&product.stderr)
    );
    let dashboard = std::fs::read_to_string(out.join("dashboard.svg")).expect("dashboard.svg");
    assert!(dashboard.contains("<title>"), "{dashboard}");
    let missing = pilote(dir.path())
        .args(["render", "--database-url", &url, "--out"])
        .arg(&out)
        .output()
        .expect("render nothing");
    assert!(
        !missing.status.success(),
        "--product or --portfolio is required"
    );

    let second = pilote(dir.path())
        .args(["demo", "--database-url", &url])
        .output()
        .expect("demo again");
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("contient déjà des produits"));
}

#[test]
fn an_unknown_database_scheme_is_refused_clearly() {
    let dir = tempfile::tempdir().expect("dir");
    let out = pilote(dir.path())
        .args(["migrate", "--database-url", "mysql://localhost/pilote"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unsupported database url"), "{stderr}");
    assert!(
        !dir.path().join("mysql:").exists(),
        "no file created for a foreign URL"
    );
}

#[test]
fn two_migrate_processes_started_at_once_on_postgres_both_succeed() {
    // Two replicas starting together both migrate: the advisory lock makes one wait for the
    // other, which then finds nothing left to do.
    let db = TestDb::postgres_unmigrated();
    let dir = tempfile::tempdir().expect("dir");
    let spawn = || {
        pilote(dir.path())
            .args(["migrate", "--database-url", db.url()])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn pilote migrate")
    };
    let (first, second) = (spawn(), spawn());
    for child in [first, second] {
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(
        db.db.migrate().expect("migrate again"),
        Vec::<String>::new(),
        "every migration applied exactly once"
    );
}

#[test]
fn every_command_has_help_with_examples() {
    let dir = tempfile::tempdir().expect("dir");
    let commands: &[&[&str]] = &[
        &[],
        &["serve"],
        &["migrate"],
        &["migrate-db"],
        &["demo"],
        &["render"],
        &["review-pack"],
        &["import", "betagouv"],
        &["import", "measures"],
        &["import", "all"],
        &["export", "measures"],
        &["export", "all"],
        &["user", "add"],
    ];
    for command in commands {
        let out = pilote(dir.path())
            .args(*command)
            .arg("--help")
            .output()
            .expect("help");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{command:?}");
        assert!(stdout.contains("Exemple"), "{command:?}: {stdout}");
    }
}

#[test]
fn exit_statuses_say_what_went_wrong() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let status = |args: &[&str]| {
        let out = run(dir.path(), args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // 2: usage, from clap or from the options given.
    assert_eq!(status(&["import", "--nonsense"]).0, Some(2));
    let csv = dir.path().join("mesures.csv");
    std::fs::write(&csv, "indicator,period,value\n").expect("write");
    let csv = csv.to_str().expect("utf-8");
    let (code, stderr) = status(&["import", "measures", csv, "--database-url", &url]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--product"), "{stderr}");
    // 1: a failure (here a file that is not there).
    let (code, stderr) = status(&[
        "import",
        "measures",
        "absent.csv",
        "--product",
        "p",
        "--database-url",
        &url,
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("impossible de lire"), "{stderr}");
    // 3: input refused (anomalies under --strict).
    let sample = &format!("{DATA}/startups.json");
    let (code, stderr) = status(&[
        "import",
        "betagouv",
        sample,
        "--strict",
        "--database-url",
        &url,
    ]);
    assert_eq!(code, Some(3), "{stderr}");
    // 0, then 4: the demo fills an empty database only.
    assert_eq!(
        status(&["import", "betagouv", sample, "--database-url", &url]).0,
        Some(0)
    );
    let (code, stderr) = status(&["demo", "--database-url", &url]);
    assert_eq!(code, Some(4), "{stderr}");
}
