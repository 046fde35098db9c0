//! `/produits/{slug}/fiche`, the whole product sheet in the browser: roles as `PUT
//! /api/v1/products/{slug}/sheet` (403 pages, anonymous to the login page), CSRF (403, nothing
//! written), every bad field at once on its field (422, nothing written), the write seen
//! through the API, on the product page and in the journal; co-incubation left to managers.

use super::{
    PASSWORD,
    client::{call, csrf_field, encode, text},
    forms::sign_in_as,
    product_form::home_and_elsewhere,
    sign_in, start,
};
use crate::helpers::{Server, must_add_user};

const ADMIN: &str = "admin-fiche-complete@test.gouv.fr";
const MEMBER: &str = "equipe-fiche-complete@test.gouv.fr";
const PAGE: &str = "/produits/balise-script/fiche";

fn sheet(server: &Server, token: &str) -> serde_json::Value {
    server.get_as("/api/v1/products/balise-script", token).body
}

/// A whole form, `extra` appended (`&key=value`).
fn body(csrf: &str, dinum: &str, stats: &str, extra: &str) -> String {
    format!(
        "csrf={csrf}&thematiques={}&user_types=particulier&technos=&contacts_product=&contacts_dinum={}\
         &contacts_incubator=&links_stats={}&links_budget=&links_impact=&links_roadmap=\
         &links_dashlord=&links_ecodesign=&links_risk_analysis=&accessibility_status=partially_compliant\
         &dsfr_status=full&monservicesecurise_registered=oui&monservicesecurise_url=&risk_analysis=non{extra}",
        encode("Écologie\nSanté\n"),
        encode(dinum),
        encode(stats),
    )
}

#[test]
fn the_whole_sheet_is_edited_in_the_browser_with_roles_and_csrf() {
    let dir = tempfile::tempdir().expect("dir");
    let (server, _) = start(dir.path());
    let url = format!("sqlite://{}", dir.path().join("pages.db").display());
    must_add_user(
        dir.path(),
        &url,
        &["--email", ADMIN, "--name", "Camille", "--role", "admin"],
        PASSWORD,
    );
    must_add_user(
        dir.path(),
        &url,
        &[
            "--email",
            MEMBER,
            "--name",
            "Dominique",
            "--role",
            "member",
            "--product",
            "confidentiel",
        ],
        PASSWORD,
    );
    let token = server.login(ADMIN, PASSWORD);
    let (home, elsewhere) = home_and_elsewhere(&server, &token, "balise-script");
    let admin = sign_in_as(&server, ADMIN);
    let viewer = sign_in(&server);
    let member = sign_in_as(&server, MEMBER);

    // Anonymous visitors go to the login page; a viewer and another product's member get 403.
    assert_eq!(call(&server, "GET", PAGE, "", None).status, 303);
    for who in [&viewer, &member] {
        let refused = call(&server, "GET", PAGE, who, None);
        assert_eq!(refused.status, 403);
        assert!(text(&refused).contains("Accès refusé"));
    }

    // Reached from the product page and from the short form.
    let product = call(&server, "GET", "/produits/balise-script", &admin, None);
    assert!(text(&product).contains("href=\"/produits/balise-script/fiche\""));
    let short = call(
        &server,
        "GET",
        "/produits/balise-script/modifier",
        &admin,
        None,
    );
    assert!(text(&short).contains("Modifier la fiche complète"));

    let form = call(&server, "GET", PAGE, &admin, None);
    assert_eq!(form.status, 200, "{:?}", form.body);
    let html = text(&form).to_owned();
    assert!(html.contains("Fiche complète de"));
    assert!(html.contains(&format!("name=\"co_incubator.{elsewhere}\"")));
    assert!(!html.contains(&format!("name=\"co_incubator.{home}\"")));
    assert!(html.contains("Partiellement conforme"));
    let csrf = csrf_field(&html);
    let before = sheet(&server, &token);

    // Without a valid token: 403, nothing written.
    let good = body(&csrf, "dinum@beta.gouv.fr", "https://stats.example.fr", "");
    for forged in [good.replacen(&csrf, "", 1), good.replacen(&csrf, "00", 1)] {
        assert_eq!(
            call(&server, "POST", PAGE, &admin, Some(&forged)).status,
            403
        );
    }
    assert_eq!(sheet(&server, &token), before);

    // Bad e-mail and bad status: both on their field, summarised, 422, nothing written.
    let bad = call(
        &server,
        "POST",
        PAGE,
        &admin,
        Some(
            &body(&csrf, "pas-une-adresse", "https://stats.example.fr", "")
                .replace("dsfr_status=full", "dsfr_status=beaucoup"),
        ),
    );
    assert_eq!(bad.status, 422, "{:?}", bad.body);
    let page = text(&bad);
    assert!(
        page.contains("aria-describedby=\"erreur-contacts_dinum\""),
        "{page}"
    );
    assert!(
        page.contains("aria-describedby=\"erreur-dsfr_status\""),
        "{page}"
    );
    assert!(page.contains("href=\"#contacts_dinum\""));
    assert!(page.contains("pas-une-adresse"));
    // A link that is not http(s), refused by the service as the API refuses it.
    let bad_link = call(
        &server,
        "POST",
        PAGE,
        &admin,
        Some(&body(&csrf, "", "ftp://stats", "")),
    );
    assert_eq!(bad_link.status, 422, "{:?}", bad_link.body);
    assert!(text(&bad_link).contains("aria-describedby=\"erreur-links_stats"));
    assert_eq!(sheet(&server, &token), before);

    // Saved: to the product page, which shows it; the API has it; the journal says so.
    let saved = call(
        &server,
        "POST",
        PAGE,
        &admin,
        Some(
            &body(
                &csrf,
                "dinum@beta.gouv.fr",
                "https://stats.example.fr",
                &format!("&co_incubator.{elsewhere}=oui"),
            )
            .replace(
                "links_risk_analysis=&",
                "links_risk_analysis=https%3A%2F%2Frisques.example.fr&",
            )
            .replace(
                "contacts_product=&",
                "contacts_product=equipe%40balise.example.fr&",
            ),
        ),
    );
    assert_eq!(saved.status, 303, "{:?}", saved.body);
    assert_eq!(saved.header("location"), Some("/produits/balise-script"));
    let after = sheet(&server, &token);
    assert_eq!(
        after["thematiques"],
        serde_json::json!(["Écologie", "Santé"])
    );
    assert_eq!(after["user_types"], serde_json::json!(["particulier"]));
    assert_eq!(after["co_incubators"], serde_json::json!([elsewhere]));
    assert_eq!(after["contacts"]["dinum"], "dinum@beta.gouv.fr");
    assert_eq!(after["links"]["stats"], "https://stats.example.fr");
    assert_eq!(after["accessibility_status"], "partially_compliant");
    assert_eq!(after["dsfr_status"], "full");
    assert_eq!(after["monservicesecurise"]["registered"], true);
    assert_eq!(after["risk_analysis"], false);
    let shown = call(&server, "GET", "/produits/balise-script", &admin, None);
    assert!(text(&shown).contains("Écologie"));
    let journal = call(
        &server,
        "GET",
        "/produits/balise-script/journal",
        &admin,
        None,
    );
    assert!(text(&journal).contains("Fiche complète modifiée"));

    // The portfolio filters by thematique, the page and its sort links keep it, and the JSON
    // portfolio takes the same filter (accents and case ignored).
    let all = call(&server, "GET", "/", &admin, None);
    assert!(text(&all).contains("<option value=\"Écologie\">Écologie</option>"));
    assert!(text(&all).contains("/produits/confidentiel"));
    let filtered = call(&server, "GET", "/?thematique=%C3%89cologie", &admin, None);
    assert_eq!(filtered.status, 200);
    let html = text(&filtered);
    assert!(html.contains("/produits/balise-script"));
    assert!(!html.contains("/produits/confidentiel"), "{html}");
    assert!(
        html.contains("href=\"/?thematique=%C3%89cologie&#38;tri=phase\""),
        "{html}"
    );
    let summary = server
        .get_as("/api/v1/portfolio?thematique=ecologie", &token)
        .body;
    assert_eq!(summary["products"], 1, "{summary}");
    let none = server
        .get_as("/api/v1/portfolio?thematique=inconnue", &token)
        .body;
    assert_eq!(none["products"], 0);

    // The public stats page carries the public part of the sheet, never the contacts nor the
    // risk analysis document.
    let stats = call(&server, "GET", "/produits/balise-script/stats", "", None);
    assert_eq!(stats.status, 200);
    let html = text(&stats);
    for shown in [
        "Écologie, Santé",
        "particulier",
        "Partiellement conforme",
        "Utilisé partout",
        "https://stats.example.fr",
        "Co-incubé par",
    ] {
        assert!(html.contains(shown), "{shown}: {html}");
    }
    for hidden in [
        "dinum@beta.gouv.fr",
        "equipe@balise.example.fr",
        "risques.example.fr",
    ] {
        assert!(!html.contains(hidden), "{hidden}");
    }

    // The open data's products.json: the same public part, anonymous, no contact at all.
    let (status, open) = server.get("/api/v1/opendata/products.json");
    assert_eq!(status, 200);
    let products = open.as_array().expect("an array");
    let balise = products
        .iter()
        .find(|p| p["product"] == "balise-script")
        .expect("the published product");
    assert_eq!(
        balise["thematiques"],
        serde_json::json!(["Écologie", "Santé"])
    );
    assert_eq!(balise["incubators"], serde_json::json!([home, elsewhere]));
    assert_eq!(balise["accessibility_status"], "partially_compliant");
    assert_eq!(balise["links"]["stats"], "https://stats.example.fr");
    assert!(products.iter().all(|p| p["product"] != "confidentiel"));
    let raw = open.to_string();
    for hidden in ["@", "risques.example.fr", "contacts", "risk_analysis"] {
        assert!(!raw.contains(hidden), "{hidden} in {raw}");
    }

    // The portfolio's matrix filters the same way, page and API, the sort links keeping it.
    let slugs = |path: &str| -> Vec<String> {
        server.get_as(path, &token).body["products"]
            .as_array()
            .expect("products")
            .iter()
            .map(|p| p["slug"].as_str().expect("slug").to_owned())
            .collect()
    };
    let every = slugs("/api/v1/portfolio/matrix");
    let ecology = slugs("/api/v1/portfolio/matrix?thematique=ecologie");
    assert_eq!(ecology, vec!["balise-script".to_owned()], "{every:?}");
    assert!(every.len() > ecology.len());
    let matrix = call(
        &server,
        "GET",
        "/matrice?thematique=%C3%89cologie",
        &admin,
        None,
    );
    assert_eq!(matrix.status, 200);
    let html = text(&matrix);
    assert!(html.contains("<option value=\"Écologie\" selected>Écologie</option>"));
    assert!(html.contains("thematique=%C3%89cologie\""), "{html}");
}
