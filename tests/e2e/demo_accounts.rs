//! The demo accounts of `serve --demo`: logged at every start, listed on the login page only
//! by a server on the loopback address, and only by one started with `--demo`.

use crate::{
    helpers::{Request, Server},
    pages::client::text,
};

/// `(email, password, role)` of each `compte de démonstration` line the server logged.
fn logged_accounts(server: &Server) -> Vec<(String, String, String)> {
    let log = server.log.lock().expect("log").clone();
    log.iter()
        .filter_map(|line| line.split("compte de démonstration : ").nth(1))
        .map(|rest| {
            let (email, rest) = rest.split_once(" / ").expect("EMAIL / PASSWORD");
            let (password, role) = rest.split_once(" (").expect("PASSWORD (role)");
            (
                email.to_owned(),
                password.to_owned(),
                role.trim_end_matches(')').to_owned(),
            )
        })
        .collect()
}

fn login_status(server: &Server, email: &str, password: &str) -> u16 {
    server
        .post_json(
            "/api/v1/auth/login",
            &serde_json::json!({"email": email, "password": password}),
        )
        .status
}

#[test]
fn serve_demo_on_loopback_logs_and_lists_one_account_per_role() {
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(dir.path(), &["--demo"]);
    let accounts = logged_accounts(&server);
    let roles: Vec<&str> = accounts.iter().map(|(_, _, r)| r.as_str()).collect();
    assert_eq!(
        roles,
        [
            "Administrateur",
            "Responsable d'incubateur",
            "Membre d'équipe",
            "Lecteur"
        ]
    );
    let page = server.send("GET", "/connexion", Request::default());
    assert_eq!(page.status, 200);
    let html = text(&page);
    assert!(html.contains("Comptes de démonstration"), "{html}");
    for (email, password, _) in &accounts {
        assert!(html.contains(email.as_str()), "{email} listed");
        assert!(html.contains(password.as_str()), "its password listed");
        assert_eq!(
            login_status(&server, email, password),
            200,
            "{email} signs in"
        );
    }
    let (admin, old_password, _) = accounts[0].clone();
    drop(server);

    // Every start generates new passwords: the old ones stop working.
    let again = Server::start(dir.path(), &["--demo"]);
    let renewed = logged_accounts(&again);
    assert_eq!(renewed.len(), 4);
    assert_eq!(renewed[0].0, admin);
    assert_ne!(renewed[0].1, old_password);
    assert_eq!(login_status(&again, &admin, &old_password), 401);
    assert_eq!(login_status(&again, &admin, &renewed[0].1), 200);
    let password = renewed[0].1.clone();
    drop(again);

    // Without --demo the server neither logs nor lists them; the passwords stay as they were.
    let plain = Server::start(dir.path(), &[]);
    assert!(logged_accounts(&plain).is_empty());
    let html = text(&plain.send("GET", "/connexion", Request::default())).to_owned();
    assert!(!html.contains("demo.pilote.example"), "{html}");
    assert!(!html.contains("Comptes de démonstration"));
    assert_eq!(login_status(&plain, &admin, &password), 200);
}

#[test]
fn serve_demo_beyond_loopback_never_lists_the_accounts() {
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start_on(
        dir.path(),
        "0.0.0.0:0",
        &["--demo"],
        &[(
            "PILOTE_JWT__SECRET",
            "a-test-secret-long-enough-for-hs256-keys",
        )],
    );
    let accounts = logged_accounts(&server);
    assert_eq!(
        accounts.len(),
        4,
        "still logged for whoever runs the server"
    );
    let page = server.send("GET", "/connexion", Request::default());
    assert_eq!(page.status, 200);
    let html = text(&page);
    assert!(!html.contains("Comptes de démonstration"), "{html}");
    for (email, password, _) in &accounts {
        assert!(!html.contains(email.as_str()));
        assert!(!html.contains(password.as_str()));
    }
}
