//! The review pack: after `pilote demo` into a fresh SQLite file, a signed review's page over
//! HTTP (viewer: 200 HTML with inlined SVG and French labels; anonymous: 401; unknown or
//! another product's review: 404), the same page written by `pilote review-pack`, and a
//! product whose name is markup shown escaped.

use std::path::Path;

use chrono::{Days, Utc};
use pilote_domain::{
    Contract, DecisionKind, NewReview, Product, Rationale, ReviewDecision, Slug, Verdict,
};
use pilote_store::{
    Actor, Database, ProductId, ReviewId,
    repo::{contracts, incubators, products, reviews},
};

use crate::{
    commands::{ok, run},
    helpers::{Request, Server, must_add_user, pilote},
    world::PASSWORD,
};

const MARKUP: &str = "<script>alert(1)</script>";

/// A signed review of a demo product: (slug, review id), and another product's slug.
fn a_signed_review(db: &Database) -> (String, ReviewId, String) {
    let mut conn = db.get().expect("connection");
    let today = Utc::now().date_naive();
    let mut found = None;
    let mut other = None;
    for o in products::overviews(&mut conn, None, today).expect("overviews") {
        let list = reviews::list(&mut conn, o.id).expect("reviews");
        match list.iter().find(|r| r.signed_at.is_some()) {
            Some(r) if found.is_none() => found = Some((o.product.slug.to_string(), r.id)),
            _ => other = Some(o.product.slug.to_string()),
        }
    }
    let (slug, id) = found.expect("the demo has signed reviews");
    (slug, id, other.expect("another product"))
}

/// A product named with markup, with a contract and a signed review: its review's id.
fn markup_product(db: &Database) -> (String, ReviewId) {
    let mut conn = db.get().expect("connection");
    let today = Utc::now().date_naive();
    let incubator = incubators::list(&mut conn).expect("incubators")[0]
        .1
        .slug
        .clone();
    let slug = Slug::parse("balise-script").expect("slug");
    let product = Product {
        slug: slug.clone(),
        name: MARKUP.to_owned(),
        pitch: MARKUP.to_owned(),
        problem: None,
        sponsor: MARKUP.to_owned(),
        incubator,
        website: None,
        repository: None,
        published: false,
        created_on: today - Days::new(200),
    };
    let id: ProductId = products::insert(&mut conn, &product, Actor::System).expect("product");
    let contract = Contract {
        signed_on: today - Days::new(190),
        starts_on: today - Days::new(190),
        ends_on: today + Days::new(500),
        review_cadence_months: 3,
        budget_per_year: Default::default(),
        milestones: Vec::new(),
    };
    contracts::put(&mut conn, id, &contract, Actor::System).expect("contract");
    let review = NewReview {
        reviewed_on: today - Days::new(10),
        reviewers: vec![MARKUP.to_owned()],
        verdict: Verdict::Amber,
        decision: ReviewDecision {
            kind: DecisionKind::Continue,
            rationale: Rationale::parse(MARKUP).expect("rationale"),
        },
        notes: MARKUP.to_owned(),
    };
    let record = reviews::create(&mut conn, id, &review, Actor::System, today).expect("review");
    reviews::sign(&mut conn, record.id, Actor::System, today).expect("sign");
    (slug.to_string(), record.id)
}

/// What the pack must say of each objective's forecast, from the frozen snapshot: « atteindra
/// l'échéance : oui / non / données insuffisantes » and, when the trend reaches the target,
/// that day in French.
pub(crate) fn forecast_texts(objectives: &[pilote_domain::ObjectiveLine]) -> Vec<String> {
    let mut texts = Vec::new();
    for o in objectives {
        let meets = match o.forecast.will_meet_deadline {
            Some(true) => "oui",
            Some(false) => "non",
            None => "données insuffisantes",
        };
        texts.push(format!("atteindra l'échéance : {meets}"));
        if let (Some(_), Some(day)) = (o.forecast.will_meet_deadline, o.forecast.target_reached_on)
        {
            texts.push(pilote_charts::french::date(day));
        }
    }
    texts
}

fn html(reply: &crate::helpers::Reply) -> &str {
    reply.body.as_str().expect("a text body")
}

fn demo_database(dir: &Path) -> (String, Database) {
    let url = format!("sqlite://{}", dir.join("pack.db").display());
    ok(&run(dir, &["demo", "--database-url", &url]));
    let db = Database::open(&url, &Default::default()).expect("open");
    (url, db)
}

#[test]
fn the_review_pack_is_a_french_page_with_its_charts() {
    let dir = tempfile::tempdir().expect("dir");
    let (url, db) = demo_database(dir.path());
    must_add_user(
        dir.path(),
        &url,
        &[
            "--email",
            "viewer@test.gouv.fr",
            "--name",
            "Vi",
            "--role",
            "viewer",
        ],
        PASSWORD,
    );
    let (slug, id, other) = a_signed_review(&db);
    let (markup_slug, markup_id) = markup_product(&db);
    let server = Server::start(dir.path(), &["--database-url", &url]);
    let viewer = server.login("viewer@test.gouv.fr", PASSWORD);
    let path = format!("/produits/{slug}/revues/{}", id.0);

    let page = server.get_as(&path, &viewer);
    assert_eq!(page.status, 200, "{:?}", page.body);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let text = html(&page);
    for expected in [
        "<html lang=\"fr\">",
        "<svg",
        "Dérive budgétaire",
        "Dérive de calendrier",
        "Verdict",
        "Décision : Poursuite",
        "Engagements",
        "Prochaine revue",
    ] {
        assert!(text.contains(expected), "{expected} missing from the page");
    }

    // Each objective's forecast, as the snapshot froze it.
    let snapshot = reviews::get(&mut db.get().expect("connection"), id)
        .expect("review")
        .snapshot;
    let snapshot: pilote_domain::ReviewSnapshot =
        serde_json::from_str(&snapshot).expect("snapshot");
    assert!(
        !snapshot.status.objectives.is_empty(),
        "the demo review has objectives"
    );
    assert!(text.contains("Prévisions à l'échéance"));
    assert!(text.contains("Valeur projetée à l'échéance"));
    for expected in forecast_texts(&snapshot.status.objectives) {
        assert!(text.contains(&expected), "{expected} missing from the pack");
    }

    // Markup in a product's name, reviewers, rationale and notes is shown, never run.
    let page = server.get_as(
        &format!("/produits/{markup_slug}/revues/{}", markup_id.0),
        &viewer,
    );
    assert_eq!(page.status, 200, "{:?}", page.body);
    let text = html(&page);
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!text.contains(MARKUP), "unescaped markup in the page");

    // Anonymous: a French page, or the JSON envelope to a script.
    let anonymous = server.get(&path);
    assert_eq!(anonymous.0, 401);
    assert!(
        anonymous
            .1
            .as_str()
            .is_some_and(|t| t.contains("Connexion requise"))
    );
    let script = server.send(
        "GET",
        &path,
        Request {
            headers: &[("Accept", "application/json")],
            ..Request::default()
        },
    );
    assert_eq!(script.status, 401);
    assert_eq!(script.header("www-authenticate"), Some("Bearer"));
    assert_eq!(script.body["error"]["code"], "unauthorized");

    // Unknown review, another product's review, unknown product: 404.
    for missing in [
        format!("/produits/{slug}/revues/999999"),
        format!("/produits/{other}/revues/{}", id.0),
        format!("/produits/nope/revues/{}", id.0),
    ] {
        let reply = server.get_as(&missing, &viewer);
        assert_eq!(reply.status, 404, "{missing}");
        assert!(html(&reply).contains("introuvable"), "{missing}");
    }

    // The same page offline.
    let file = dir.path().join("pack.html");
    let written = pilote(dir.path())
        .args(["review-pack", "--database-url", &url, "--product", &slug])
        .args(["--review", &id.0.to_string(), "--out"])
        .arg(&file)
        .output()
        .expect("review-pack");
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    let offline = std::fs::read_to_string(&file).expect("the pack file");
    assert!(offline.contains("<html lang=\"fr\">") && offline.contains("<svg"));
    assert!(offline.contains("Dérive budgétaire"));
    // Another product's review is refused offline too.
    let refused = pilote(dir.path())
        .args(["review-pack", "--database-url", &url, "--product", &other])
        .args(["--review", &id.0.to_string(), "--out"])
        .arg(dir.path().join("no.html"))
        .output()
        .expect("review-pack");
    assert!(!refused.status.success());
}
