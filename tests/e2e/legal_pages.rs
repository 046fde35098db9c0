//! The footer's mandatory pages and the `web.state_brand` switch.

use crate::{
    helpers::{Request, Server},
    pages::client::text,
};

fn page(server: &Server, path: &str) -> String {
    let reply = server.send("GET", path, Request::default());
    assert_eq!(reply.status, 200, "{path}");
    text(&reply).to_owned()
}

#[test]
fn the_footer_links_three_public_pages_and_the_brand_can_be_switched_off() {
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(dir.path(), &[]);
    let login = page(&server, "/connexion");
    assert!(login.contains("République<br>Française"), "{login}");
    for (path, title) in [
        ("/accessibilite", "Déclaration d'accessibilité"),
        ("/mentions-legales", "Mentions légales"),
        ("/donnees-personnelles", "Données personnelles"),
    ] {
        assert!(login.contains(&format!("href=\"{path}\"")), "{path} linked");
        let html = page(&server, path);
        assert!(html.contains(&format!("<h1>{title}</h1>")), "{html}");
    }
    assert!(login.contains("Accessibilité : non conforme"));
    drop(server);

    let outside = Server::start_with_env(dir.path(), &[], &[("PILOTE_WEB__STATE_BRAND", "false")]);
    let login = page(&outside, "/connexion");
    assert!(!login.contains("République"), "{login}");
    assert!(login.contains("href=\"/mentions-legales\""));
}
