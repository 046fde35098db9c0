//! The product sheet's pages: `/produits/nouveau` (an incubator's managers) and
//! `/produits/{slug}/modifier` (its team too), over HTTP with the session cookie: roles (403
//! pages), CSRF (403, nothing written), refusals on their fields in French (422), the write
//! seen through the API, and publishing left to managers.

use super::{
    PASSWORD,
    client::{call, csrf_field, encode, text},
    forms::sign_in_as,
    sign_in, start,
};
use crate::helpers::{Server, must_add_user};

const ADMIN: &str = "admin-fiche@test.gouv.fr";
const MANAGER: &str = "responsable-fiche@test.gouv.fr";
const OTHER_MANAGER: &str = "autre-responsable@test.gouv.fr";
const MEMBER: &str = "equipe-fiche@test.gouv.fr";

fn user(dir: &std::path::Path, url: &str, email: &str, role: &[&str]) {
    let mut args = vec!["--email", email, "--name", "Camille"];
    args.extend_from_slice(role);
    must_add_user(dir, url, &args, PASSWORD);
}

/// The product as the API shows it (`status` 404 when it does not exist).
fn api_product(server: &Server, token: &str, slug: &str) -> (u16, serde_json::Value) {
    let reply = server.get_as(&format!("/api/v1/products/{slug}"), token);
    (reply.status, reply.body)
}

/// The incubator of the product `slug` and another one (the demo has several).
pub(super) fn home_and_elsewhere(server: &Server, token: &str, slug: &str) -> (String, String) {
    let (_, existing) = api_product(server, token, slug);
    let home = existing["incubator"]
        .as_str()
        .expect("incubator")
        .to_owned();
    let incubators = server.get_as("/api/v1/incubators", token).body;
    let elsewhere = incubators["items"]
        .as_array()
        .expect("incubators")
        .iter()
        .filter_map(|i| i["slug"].as_str())
        .find(|s| *s != home)
        .expect("a second incubator")
        .to_owned();
    (home, elsewhere)
}

#[test]
fn product_sheets_are_created_and_edited_in_the_browser_with_roles_and_csrf() {
    let dir = tempfile::tempdir().expect("dir");
    let (server, _) = start(dir.path());
    let url = format!("sqlite://{}", dir.path().join("pages.db").display());
    user(dir.path(), &url, ADMIN, &["--role", "admin"]);
    let token = server.login(ADMIN, PASSWORD);
    let (_, existing) = api_product(&server, &token, "balise-script");
    let (home, elsewhere) = home_and_elsewhere(&server, &token, "balise-script");
    user(
        dir.path(),
        &url,
        MANAGER,
        &["--role", "manager", "--incubator", &home],
    );
    user(
        dir.path(),
        &url,
        OTHER_MANAGER,
        &["--role", "manager", "--incubator", &elsewhere],
    );
    user(
        dir.path(),
        &url,
        MEMBER,
        &["--role", "member", "--product", "balise-script"],
    );
    let viewer = sign_in(&server);
    let manager = sign_in_as(&server, MANAGER);
    let other = sign_in_as(&server, OTHER_MANAGER);
    let member = sign_in_as(&server, MEMBER);

    // Who may open the forms: a viewer and a team member may not create; a viewer may not
    // edit. Anonymous visitors go to the login page.
    let anonymous = call(&server, "GET", "/produits/nouveau", "", None);
    assert_eq!(anonymous.status, 303);
    for (who, path) in [
        (&viewer, "/produits/nouveau"),
        (&member, "/produits/nouveau"),
        (&viewer, "/produits/balise-script/modifier"),
        (&other, "/produits/balise-script/modifier"),
    ] {
        let refused = call(&server, "GET", path, who, None);
        assert_eq!(refused.status, 403, "{path}");
        assert!(text(&refused).contains("Accès refusé"));
    }
    let portfolio = call(&server, "GET", "/", &manager, None);
    assert!(text(&portfolio).contains("href=\"/produits/nouveau\""));
    assert!(!text(&call(&server, "GET", "/", &viewer, None)).contains("/produits/nouveau"));

    // The form, CSRF-protected: a forged post writes nothing.
    let form = call(&server, "GET", "/produits/nouveau", &manager, None);
    assert_eq!(form.status, 200, "{:?}", form.body);
    let html = text(&form).to_owned();
    assert!(html.contains("<h1>Nouveau produit</h1>"));
    assert!(html.contains(&format!("value=\"{home}\"")));
    assert!(!html.contains(&format!("value=\"{elsewhere}\"")));
    let csrf = csrf_field(&html);
    let post = |who: &str, body: &str| call(&server, "POST", "/produits/nouveau", who, Some(body));
    let sheet = |slug: &str, name: &str, incubator: &str| {
        format!(
            "incubator={incubator}&slug={}&name={}&pitch={}&problem=&sponsor={}&started_on=&website=&repository=",
            encode(slug),
            encode(name),
            encode("Les aides en une minute"),
            encode("DINUM"),
        )
    };
    for body in [
        sheet("aides-jeunes", "Aides jeunes", &home),
        format!("csrf=00&{}", sheet("aides-jeunes", "Aides jeunes", &home)),
    ] {
        let forged = post(&manager, &body);
        assert_eq!(forged.status, 403);
    }
    assert_eq!(api_product(&server, &token, "aides-jeunes").0, 404);

    // Refused fields come back on their field, in French, with what was typed.
    let bad_sheet = sheet("Aides Jeunes", "", &home).replace("website=&", "website=aides.fr&");
    let bad = post(&manager, &format!("csrf={csrf}&{bad_sheet}"));
    assert_eq!(bad.status, 422, "{:?}", bad.body);
    let page = text(&bad);
    assert!(
        page.contains("L&#39;identifiant ne peut contenir")
            || page.contains("L'identifiant ne peut contenir"),
        "{page}"
    );
    assert!(page.contains("aria-describedby=\"erreur-slug"));
    assert!(page.contains("href=\"#slug\""));
    let taken = post(
        &manager,
        &format!("csrf={csrf}&{}", sheet("balise-script", "Doublon", &home)),
    );
    assert_eq!(taken.status, 422);
    assert!(text(&taken).contains("déjà prise"));
    let empty_name = post(
        &manager,
        &format!("csrf={csrf}&{}", sheet("aides-jeunes", " ", &home)),
    );
    assert_eq!(empty_name.status, 422);
    assert!(text(&empty_name).contains("Ce champ est obligatoire."));
    assert!(text(&empty_name).contains("aria-describedby=\"erreur-name\""));
    assert_eq!(api_product(&server, &token, "aides-jeunes").0, 404);

    // A manager of another incubator may not create there, even by posting its slug.
    let other_csrf = csrf_field(text(&call(
        &server,
        "GET",
        "/produits/nouveau",
        &other,
        None,
    )));
    let elsewhere_post = post(
        &other,
        &format!(
            "csrf={other_csrf}&{}",
            sheet("aides-jeunes", "Aides jeunes", &home)
        ),
    );
    assert_eq!(elsewhere_post.status, 403);
    assert_eq!(api_product(&server, &token, "aides-jeunes").0, 404);

    // Created: to its page, and the API has it, in investigation.
    let created = post(
        &manager,
        &format!(
            "csrf={csrf}&{}&published=oui",
            sheet("aides-jeunes", "Aides jeunes", &home)
        ),
    );
    assert_eq!(created.status, 303, "{:?}", created.body);
    assert_eq!(created.header("location"), Some("/produits/aides-jeunes"));
    let (status, product) = api_product(&server, &token, "aides-jeunes");
    assert_eq!(status, 200);
    assert_eq!(product["name"], "Aides jeunes");
    assert_eq!(product["phase"], "investigation");
    assert_eq!(product["published"], true);
    assert_eq!(product["problem"], serde_json::Value::Null);

    // Editing: the team edits the description but cannot publish (no box, and a forged box
    // changes nothing); a manager publishes.
    let edit = "/produits/balise-script/modifier";
    let member_form = call(&server, "GET", edit, &member, None);
    assert_eq!(member_form.status, 200);
    assert!(!text(&member_form).contains("name=\"published\""));
    let member_csrf = csrf_field(text(&member_form));
    let fields = |pitch: &str| {
        format!(
            "name={}&pitch={}&problem=&sponsor=DINUM&website=https%3A%2F%2Fbalise.beta.gouv.fr&repository=",
            encode("Balise"),
            encode(pitch)
        )
    };
    let forged = call(&server, "POST", edit, &member, Some(&fields("Forgé")));
    assert_eq!(forged.status, 403);
    let by_member = call(
        &server,
        "POST",
        edit,
        &member,
        Some(&format!(
            "csrf={member_csrf}&{}&published=oui",
            fields("Nouveau pitch")
        )),
    );
    assert_eq!(by_member.status, 303, "{:?}", by_member.body);
    let (_, edited) = api_product(&server, &token, "balise-script");
    assert_eq!(edited["pitch"], "Nouveau pitch");
    assert_eq!(edited["website"], "https://balise.beta.gouv.fr");
    assert_eq!(edited["published"], existing["published"]);
    let bad_link = call(
        &server,
        "POST",
        edit,
        &member,
        Some(&format!(
            "csrf={member_csrf}&{}",
            fields("x").replace("https%3A%2F%2F", "")
        )),
    );
    assert_eq!(bad_link.status, 422);
    assert!(text(&bad_link).contains("doit commencer par http"));
    let manager_form = call(&server, "GET", edit, &manager, None);
    assert!(text(&manager_form).contains("name=\"published\""));
    let manager_csrf = csrf_field(text(&manager_form));
    let published = call(
        &server,
        "POST",
        edit,
        &manager,
        Some(&format!(
            "csrf={manager_csrf}&{}&published=oui",
            fields("Publié")
        )),
    );
    assert_eq!(published.status, 303);
    assert_eq!(
        api_product(&server, &token, "balise-script").1["published"],
        true
    );
    let viewer_post = call(
        &server,
        "POST",
        edit,
        &viewer,
        Some(&format!(
            "csrf={}&{}",
            csrf_field(text(&call(&server, "GET", "/", &viewer, None))),
            fields("Lecteur")
        )),
    );
    assert_eq!(viewer_post.status, 403);
    assert_eq!(
        api_product(&server, &token, "balise-script").1["pitch"],
        "Publié"
    );
}

#[test]
fn the_journal_shows_who_changed_what_newest_first() {
    let dir = tempfile::tempdir().expect("dir");
    let (server, _) = start(dir.path());
    let url = format!("sqlite://{}", dir.path().join("pages.db").display());
    user(dir.path(), &url, ADMIN, &["--role", "admin"]);
    let admin = sign_in_as(&server, ADMIN);
    let viewer = sign_in(&server);
    let journal = "/produits/balise-script/journal";
    assert_eq!(call(&server, "GET", journal, "", None).status, 303);
    assert_eq!(
        call(
            &server,
            "GET",
            "/produits/nulle-part/journal",
            &viewer,
            None
        )
        .status,
        404
    );

    // An edit through the sheet, then the journal: the edit first, by its author's name,
    // with the state before and after; the creation below it.
    let form = call(
        &server,
        "GET",
        "/produits/balise-script/modifier",
        &admin,
        None,
    );
    let body = format!(
        "csrf={}&name=Balise&pitch=Nouveau&problem=&sponsor=DINUM&website=&repository=",
        csrf_field(text(&form))
    );
    let saved = call(
        &server,
        "POST",
        "/produits/balise-script/modifier",
        &admin,
        Some(&body),
    );
    assert_eq!(saved.status, 303, "{:?}", saved.body);
    let page = call(&server, "GET", journal, &viewer, None);
    assert_eq!(page.status, 200, "{:?}", page.body);
    let html = text(&page);
    assert!(html.contains("<h1>Journal du produit</h1>"));
    let edited = html.find("Fiche du produit modifiée").expect("the edit");
    let created = html.find("Création du produit").expect("the creation");
    assert!(edited < created, "newest first");
    assert!(html.contains("Camille"), "the author's name");
    assert!(html.contains("Avant et après"));
}

#[test]
fn signing_in_comes_back_to_the_page_asked_for_and_nowhere_else() {
    use super::client::cookie_pair;
    let dir = tempfile::tempdir().expect("dir");
    let (server, _) = start(dir.path());
    let url = format!("sqlite://{}", dir.path().join("pages.db").display());
    user(dir.path(), &url, ADMIN, &["--role", "admin"]);
    let wanted = "/produits/balise-script/modifier";
    let anonymous = call(&server, "GET", wanted, "", None);
    assert_eq!(anonymous.status, 303);
    let login = anonymous.header("location").expect("location").to_owned();
    assert_eq!(login, format!("/connexion?suite={wanted}"));
    let form = call(&server, "GET", &login, "", None);
    assert!(text(&form).contains(&format!("name=\"suite\" value=\"{wanted}\"")));
    let nonce = cookie_pair(&form, "pilote_csrf").expect("nonce");
    let csrf = csrf_field(text(&form));
    let sign_in_to = |suite: &str| {
        let body = format!(
            "email={}&password={}&csrf={csrf}&suite={}",
            encode(ADMIN),
            encode(PASSWORD),
            encode(suite)
        );
        call(&server, "POST", "/connexion", &nonce, Some(&body))
    };
    let back = sign_in_to(wanted);
    assert_eq!(back.status, 303);
    assert_eq!(back.header("location"), Some(wanted));
    for elsewhere in ["https://evil.example/", "//evil.example", "/\\evil.example"] {
        let signed = sign_in_to(elsewhere);
        assert_eq!(signed.status, 303, "{elsewhere}");
        assert_eq!(signed.header("location"), Some("/"), "{elsewhere}");
    }
}

#[test]
fn the_portfolio_searches_and_sorts_the_french_way() {
    use chrono::{Days, Utc};
    use pilote_domain::{Product, Slug};
    use pilote_store::{Actor, Database, repo::products};
    let dir = tempfile::tempdir().expect("dir");
    let (server, _) = start(dir.path());
    let url = format!("sqlite://{}", dir.path().join("pages.db").display());
    let db = Database::open(&url, &Default::default()).expect("open");
    let mut conn = db.get().expect("connection");
    let incubator = products::find(&mut conn, &Slug::parse("balise-script").expect("slug"))
        .expect("balise-script")
        .1
        .incubator;
    for (slug, name) in [
        ("zz-egalite", "Égalité femmes-hommes"),
        ("zz-douane", "Douane facile"),
        ("zz-demarches", "Démarches simples"),
    ] {
        let product = Product {
            slug: Slug::parse(slug).expect("slug"),
            name: name.to_owned(),
            pitch: "Un produit de Zanzibar.".to_owned(),
            problem: None,
            sponsor: "DINUM".to_owned(),
            incubator: incubator.clone(),
            website: None,
            repository: None,
            published: false,
            created_on: Utc::now().date_naive() - Days::new(10),
        };
        products::insert(&mut conn, &product, Actor::System).expect("product");
    }
    let viewer = sign_in(&server);
    // Accents and case ignored, every word, in the name, the slug or the pitch (as the API).
    // The products table: between its heading and the charts (which show every product).
    let table = |html: &str| -> String {
        let start = html.find("<h2>Produits</h2>").expect("the products table");
        let end = html.find("<h2>Graphiques</h2>").unwrap_or(html.len());
        html[start..end].to_owned()
    };
    let found = call(&server, "GET", "/?q=demarches+zanzibar", &viewer, None);
    assert_eq!(found.status, 200);
    let rows = table(text(&found));
    assert!(rows.contains("Démarches simples"), "{rows}");
    assert!(!rows.contains("Douane facile"), "{rows}");
    // French order: « Démarches » before « Douane », « Égalité » among the e's, not last.
    let all = call(&server, "GET", "/?q=ZANZIBAR", &viewer, None);
    let html = table(text(&all));
    let at = |name: &str| html.find(name).unwrap_or_else(|| panic!("{name} missing"));
    assert!(at("Démarches simples") < at("Douane facile"));
    assert!(at("Douane facile") < at("Égalité femmes-hommes"));
}
