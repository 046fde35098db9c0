//! The French web pages over HTTP: the session cookie and its CSRF-protected forms, the
//! portfolio, product and public stats pages, the French 404, the security headers, markup
//! in a product's name shown escaped; then headless Chromium on the public pages.

use std::{path::Path, process::Command};

use chrono::{Days, Utc};
use pilote_domain::{Product, Slug};
use pilote_store::{
    Actor, Database,
    repo::{incubators, indicators, products},
};

use crate::{
    commands::{ok, run},
    helpers::{Server, must_add_user},
    world::PASSWORD,
};

mod account;
mod browser;
pub(crate) mod client;
mod contract_forms;
pub(crate) mod forms;
mod french;
mod indicator_form;
mod irritants;
mod people;
mod portfolio_table;
mod product_form;
mod product_pages;
mod refusals;
mod review_form;
mod sessions;
mod sheet_form;
mod source_form;
mod steering;
mod suspect;

use client::{call, cookie_pair, csrf_field, encode, set_cookies, text};
pub(crate) use forms::sign_in_as;

const EMAIL: &str = "lectrice@test.gouv.fr";
const MARKUP: &str = "<script>alert(1)</script>";
const CHROMIUM: &str = "/usr/bin/chromium";

/// Whether the markup is in the page as text (askama writes `&#60;`, charts `&lt;`).
fn shown_escaped(html: &str) -> bool {
    html.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
        || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
}

fn product(db: &Database, slug: &str, name: &str, published: bool) {
    let mut conn = db.get().expect("connection");
    let incubator = incubators::list(&mut conn).expect("incubators")[0]
        .1
        .slug
        .clone();
    let product = Product {
        slug: Slug::parse(slug).expect("slug"),
        name: name.to_owned(),
        pitch: format!("Le produit {name}, en une phrase."),
        problem: None,
        sponsor: "Direction interministérielle du numérique".to_owned(),
        incubator,
        website: None,
        repository: None,
        published,
        created_on: Utc::now().date_naive() - Days::new(100),
    };
    products::insert(&mut conn, &product, Actor::System).expect("product");
}

/// Publishes the first demo product with indicators: its slug.
fn publish_a_demo_product(db: &Database) -> String {
    let mut conn = db.get().expect("connection");
    let today = Utc::now().date_naive();
    for o in products::overviews(&mut conn, None, today).expect("overviews") {
        if indicators::list(&mut conn, o.id)
            .expect("indicators")
            .is_empty()
        {
            continue;
        }
        let mut product = o.product;
        product.published = true;
        products::update(&mut conn, o.id, &product, Actor::System).expect("publish");
        return product.slug.to_string();
    }
    panic!("the demo has products with indicators");
}

/// The demo, a published product named with markup, an unpublished one, a viewer: the
/// server, and the slug of a published demo product with indicators.
fn start(dir: &Path) -> (Server, String) {
    let url = format!("sqlite://{}", dir.join("pages.db").display());
    ok(&run(dir, &["demo", "--database-url", &url]));
    let db = Database::open(&url, &Default::default()).expect("open");
    product(&db, "balise-script", MARKUP, true);
    product(&db, "confidentiel", "Produit confidentiel", false);
    must_add_user(
        dir,
        &url,
        &["--email", EMAIL, "--name", "Léa", "--role", "viewer"],
        PASSWORD,
    );
    let published = publish_a_demo_product(&db);
    // SMTP set, to a port nothing listens on: « Mot de passe oublié ? » is offered, and an
    // invitation whose message cannot be sent gives its link back (the browser suite visits it).
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
        .to_string();
    let smtp = [
        ("PILOTE_SMTP__HOST", "127.0.0.1"),
        ("PILOTE_SMTP__PORT", closed.as_str()),
        ("PILOTE_SMTP__TLS", "none"),
        ("PILOTE_SMTP__SENDER", "pilote@test.gouv.fr"),
    ];
    // --demo: the demo accounts get fresh passwords and the login page lists them, so that the
    // browser suite checks that list too.
    (
        Server::start_with_env(dir, &["--database-url", &url, "--demo"], &smtp),
        published,
    )
}

/// Adds an administrator to the pages' database (the one [`start`] made): its URL.
fn add_admin(dir: &Path, email: &str, name: &str) -> String {
    let url = format!("sqlite://{}", dir.join("pages.db").display());
    must_add_user(
        dir,
        &url,
        &["--email", email, "--name", name, "--role", "admin"],
        PASSWORD,
    );
    url
}

/// Signs in through the form: the session cookie's `name=value`.
fn sign_in(server: &Server) -> String {
    let form = call(server, "GET", "/connexion", "", None);
    assert_eq!(form.status, 200);
    assert!(text(&form).contains("<h1>Connexion à Pilote</h1>"));
    let nonce = cookie_pair(&form, "pilote_csrf").expect("a CSRF nonce cookie");
    let csrf = csrf_field(text(&form));

    // A forged form (no nonce cookie, or a wrong token) is refused with a French page.
    let body = format!(
        "email={}&password={}&csrf={csrf}",
        encode(EMAIL),
        encode(PASSWORD)
    );
    let forged = call(server, "POST", "/connexion", "", Some(&body));
    assert_eq!(forged.status, 403);
    assert!(text(&forged).contains("Accès refusé"));
    let wrong = format!("email={}&password=faux&csrf={csrf}", encode(EMAIL));
    let rejected = call(server, "POST", "/connexion", &nonce, Some(&wrong));
    assert_eq!(rejected.status, 401);
    assert!(text(&rejected).contains("mot de passe incorrect"));

    let signed = call(server, "POST", "/connexion", &nonce, Some(&body));
    assert_eq!(signed.status, 303, "{:?}", signed.body);
    assert_eq!(signed.header("location"), Some("/"));
    let cookie = set_cookies(&signed)
        .into_iter()
        .find(|c| c.starts_with("pilote_session="))
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    cookie_pair(&signed, "pilote_session").expect("session")
}

#[test]
fn pages_sessions_csrf_and_headers() {
    let dir = tempfile::tempdir().expect("dir");
    let (server, published) = start(dir.path());

    // Anonymous: the portfolio sends to the login form.
    let anonymous = call(&server, "GET", "/", "", None);
    assert_eq!(anonymous.status, 303);
    assert_eq!(anonymous.header("location"), Some("/connexion"));

    let session = sign_in(&server);
    let home = call(&server, "GET", "/", &session, None);
    assert_eq!(home.status, 200, "{:?}", home.body);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = text(&home);
    for expected in [
        "<html lang=\"fr\">",
        "<h1>Portefeuille des produits</h1>",
        "Produits par phase",
        "Équipes en retard de saisie",
        "<svg",
        "<details>",
        "<main",
        "<nav",
        "<footer",
    ] {
        assert!(
            html.contains(expected),
            "{expected} missing from the portfolio"
        );
    }
    let filtered = call(&server, "GET", "/?q=confidentiel&phase=", &session, None);
    assert!(text(&filtered).contains("Produit confidentiel"));
    assert!(!text(&filtered).contains("/produits/balise-script\""));

    // The cookie is for pages only: the API still wants a Bearer token.
    let api = server.send(
        "GET",
        "/api/v1/me",
        crate::helpers::Request {
            headers: &[("Cookie", &session)],
            ..Default::default()
        },
    );
    assert_eq!(api.status, 401);

    // A product named with markup: shown escaped, on its page and in the portfolio.
    let page = call(&server, "GET", "/produits/balise-script", &session, None);
    assert_eq!(page.status, 200, "{:?}", page.body);
    assert!(shown_escaped(text(&page)), "{}", text(&page));
    assert!(!text(&page).contains(MARKUP), "unescaped markup");
    assert!(!html.contains(MARKUP), "unescaped markup in the portfolio");
    for expected in [
        "Indicateurs",
        "Historique des phases",
        "Décisions du comité",
    ] {
        assert!(text(&page).contains(expected), "{expected} missing");
    }

    // Public stats: a published product without login, never an unpublished one.
    let stats = call(&server, "GET", "/produits/balise-script/stats", "", None);
    assert_eq!(stats.status, 200);
    assert!(text(&stats).contains("Statistiques publiques"));
    assert!(shown_escaped(text(&stats)));
    assert!(!text(&stats).contains(MARKUP));
    assert!(!text(&stats).contains("Dérive budgétaire"));
    let demo = call(
        &server,
        "GET",
        &format!("/produits/{published}/stats"),
        "",
        None,
    );
    assert_eq!(demo.status, 200);
    assert!(text(&demo).contains("<svg"), "the dashboard chart");
    assert!(text(&demo).contains("Données du graphique"));
    let hidden = call(&server, "GET", "/produits/confidentiel/stats", "", None);
    assert_eq!(hidden.status, 404);
    assert!(text(&hidden).contains("Page introuvable"));

    // Unknown pages: French to a browser, the JSON envelope to a script.
    let missing = call(&server, "GET", "/nulle-part", "", None);
    assert_eq!(missing.status, 404);
    assert!(text(&missing).contains("<html lang=\"fr\">"));
    assert!(text(&missing).contains("Page introuvable"));
    let (status, body) = server.get("/nulle-part");
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");

    // Security headers, on pages and errors alike.
    for reply in [&home, &stats, &missing, &page] {
        let csp = reply.header("content-security-policy").expect("CSP");
        for directive in [
            "default-src 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "base-uri 'none'",
        ] {
            assert!(csp.contains(directive), "{directive} missing: {csp}");
        }
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(reply.header("referrer-policy"), Some("same-origin"));
    }

    // Logout: 403 without the CSRF token, then the cookie cleared with it.
    let refused = call(&server, "POST", "/deconnexion", &session, Some(""));
    assert_eq!(refused.status, 403);
    assert!(text(&refused).contains("Accès refusé"));
    let forged = call(&server, "POST", "/deconnexion", &session, Some("csrf=00"));
    assert_eq!(forged.status, 403);
    let csrf = csrf_field(html);
    let out = call(
        &server,
        "POST",
        "/deconnexion",
        &session,
        Some(&format!("csrf={csrf}")),
    );
    assert_eq!(out.status, 303);
    assert_eq!(out.header("location"), Some("/connexion"));
    let cleared = set_cookies(&out)
        .into_iter()
        .find(|c| c.starts_with("pilote_session="))
        .expect("a cleared cookie");
    assert!(cleared.starts_with("pilote_session=;"), "{cleared}");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // The session ended on the server: a copy of the cookie, replayed, is anonymous.
    let replayed = call(&server, "GET", "/", &session, None);
    assert_eq!(replayed.status, 303);
    assert_eq!(replayed.header("location"), Some("/connexion"));
}

/// Runs headless Chromium with `args` then `url`.
fn chromium(args: &[&str], url: &str) -> std::process::Output {
    let profile = tempfile::tempdir().expect("profile");
    Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .output()
        .expect("run chromium")
}

#[test]
fn a_real_browser_renders_the_public_pages() {
    if !browser_available(false) {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let (server, published) = start(dir.path());
    let stats = format!("{}/produits/balise-script/stats", server.base);
    let dom = chromium(&["--dump-dom"], &stats);
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{dom}"
    );
    assert!(dom.contains("Statistiques publiques"));

    for (page, url) in [
        (
            "stats",
            format!("{}/produits/{published}/stats", server.base),
        ),
        ("connexion", format!("{}/connexion", server.base)),
    ] {
        for (device, size) in [("ordinateur", "1280,1400"), ("telephone", "375,1400")] {
            let file = dir.path().join(format!("{page}-{device}.png"));
            let shot = chromium(
                &[
                    &format!("--window-size={size}"),
                    &format!("--screenshot={}", file.display()),
                ],
                &url,
            );
            assert!(
                shot.status.success(),
                "{}",
                String::from_utf8_lossy(&shot.stderr)
            );
            let bytes = std::fs::read(&file).expect("a screenshot");
            assert!(bytes.starts_with(b"\x89PNG"), "{page} {device}: not a PNG");
            // The stats page's screenshots come from browser/run.mjs (1920, 375, 320 px).
            if let (Some(out), "connexion") = (std::env::var_os("PILOTE_SCREENSHOTS"), page) {
                std::fs::copy(&file, Path::new(&out).join(file.file_name().expect("name")))
                    .expect("copy the screenshot");
            }
        }
    }
}

/// Whether the browser checks can run. They never skip silently: a missing Chromium (or Node,
/// for the Playwright suite) fails the test, since `scripts/test` installs both; only an explicit
/// `PILOTE_SKIP_BROWSER=1` (a developer without them) turns the check into a printed skip.
pub(crate) fn browser_available(needs_node: bool) -> bool {
    let chromium = Path::new(CHROMIUM).exists();
    let node = !needs_node || Command::new("node").arg("--version").output().is_ok();
    if chromium && node {
        return true;
    }
    let missing = if chromium { "node" } else { CHROMIUM };
    if std::env::var_os("PILOTE_SKIP_BROWSER").is_some_and(|v| v == "1") {
        eprintln!("SKIPPED (PILOTE_SKIP_BROWSER=1): {missing} is missing");
        return false;
    }
    panic!(
        "{missing} is missing: scripts/ensure-chromium installs Chromium (scripts/test runs it); set PILOTE_SKIP_BROWSER=1 to skip the browser checks"
    );
}
