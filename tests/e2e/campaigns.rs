//! Appels à candidatures end to end (issue 24), on SQLite and PostgreSQL: a public campaign,
//! two anonymous applications, two jurors scoring, the ranking following the weights, a
//! conflicted score ignored, an investigation launched and linked both ways, the funnel in
//! the campaign and the open data; 401/403 on every protected route, the rate limit, the
//! size limit and unknown keys refused.

use chrono::{Days, Utc};
use pilote_store::Backend;
use serde_json::{Value, json};

use crate::{
    helpers::Request,
    pages::client::{call, cookie_pair, csrf_field, text},
    world::{Who, World},
};

pub(crate) fn campaign(slug: &str, audience: &str, opens_in_days: i64) -> Value {
    let today = Utc::now().date_naive();
    let shift = |days: i64| {
        if days >= 0 {
            today + Days::new(days.unsigned_abs())
        } else {
            today - Days::new(days.unsigned_abs())
        }
    };
    json!({
        "slug": slug, "title": "Appel à projets 2027", "audience": audience,
        "opens_on": shift(opens_in_days).to_string(),
        "closes_on": shift(opens_in_days + 30).to_string(),
        "description": "Vos irritants deviennent des produits.",
        "criteria": [
            {"key": "impact", "label": "Impact pour les usagers", "weight": 3},
            {"key": "faisabilite", "label": "Faisabilité", "weight": 1}
        ]
    })
}

pub(crate) fn application(title: &str, email: &str) -> Value {
    json!({
        "title": title,
        "problem": "3 000 appels par mois restent sans réponse.\nLes usagers rappellent.",
        "who_suffers": "Les usagers et les agents d'accueil",
        "current_workaround": "Un tableur partagé",
        "intrapreneur": {"name": "Camille Agent", "email": email, "availability_percent": 60},
        "sponsor": "DGFiP, service des impôts des particuliers",
        "consents": {"processing": true, "contact": false}
    })
}

fn id_of(body: &Value) -> i64 {
    body["id"].as_i64().expect("id")
}

fn scenario(backend: Backend) {
    let w = World::on(backend)
        .with_second_incubator()
        .with_product_token()
        .start();
    let Who {
        admin,
        manager,
        other,
        member,
        viewer,
        token,
    } = w.who();
    let outsiders = [member, viewer, token, other];

    // Creating a campaign: the incubator's managers and admins.
    let create = "/api/v1/incubators/dinum/campaigns";
    let public = campaign("appel-public", "public", -1);
    w.expect(401, "POST", create, None, Some(&public));
    for who in outsiders {
        w.expect(403, "POST", create, who, Some(&public));
    }
    let mut bad = public.clone();
    bad["criteria"][1]["key"] = json!("impact");
    let refused = w.expect(422, "POST", create, manager, Some(&bad));
    assert_eq!(w.fields(&refused), ["criteria[1].key"]);
    let mut extra = public.clone();
    extra["colour"] = json!("bleu");
    let refused = w.expect(422, "POST", create, manager, Some(&extra));
    assert_eq!(w.fields(&refused), ["colour"]);
    w.expect(
        404,
        "POST",
        "/api/v1/incubators/inconnu/campaigns",
        admin,
        Some(&public),
    );
    let created = w.expect(201, "POST", create, manager, Some(&public));
    assert_eq!(created["open"], true);
    assert_eq!(created["criteria"][0]["weight"], 3);
    w.expect(409, "POST", create, admin, Some(&public));

    // Open: anyone reads it. Not open yet: its managers only.
    let read = w.expect(200, "GET", "/api/v1/campaigns/appel-public", None, None);
    assert_eq!(read["title"], "Appel à projets 2027");
    w.expect(
        201,
        "POST",
        create,
        admin,
        Some(&campaign("appel-futur", "public", 10)),
    );
    w.expect(401, "GET", "/api/v1/campaigns/appel-futur", None, None);
    w.expect(403, "GET", "/api/v1/campaigns/appel-futur", viewer, None);
    w.expect(200, "GET", "/api/v1/campaigns/appel-futur", manager, None);
    w.expect(404, "GET", "/api/v1/campaigns/inconnu", None, None);
    let future = w.expect(
        409,
        "POST",
        "/api/v1/campaigns/appel-futur/applications",
        None,
        Some(&application("Trop tôt", "tot@example.fr")),
    );
    assert_eq!(future["error"]["code"], "conflict");

    // An agents' campaign wants someone signed in.
    w.expect(
        201,
        "POST",
        create,
        manager,
        Some(&campaign("appel-agents", "agents", 0)),
    );
    let agents = "/api/v1/campaigns/appel-agents/applications";
    let mine = application("Mon idée", "agent@example.fr");
    w.expect(401, "POST", agents, None, Some(&mine));
    w.expect(403, "POST", agents, token, Some(&mine));
    w.expect(201, "POST", agents, viewer, Some(&mine));

    // Two anonymous applications to the public campaign.
    let submit = "/api/v1/campaigns/appel-public/applications";
    let mut invalid = application("Sans consentement", "x@example.fr");
    invalid["consents"]["processing"] = json!(false);
    invalid["problem"] = json!("ligne\n".repeat(11));
    let refused = w.expect(422, "POST", submit, None, Some(&invalid));
    assert_eq!(w.fields(&refused), ["problem"]);
    let mut unknown = application("Inconnue", "x@example.fr");
    unknown["intrapreneur"]["phone"] = json!("0102030405");
    let refused = w.expect(422, "POST", submit, None, Some(&unknown));
    assert_eq!(w.fields(&refused), ["intrapreneur.phone"]);
    let huge = format!("{{\"title\": \"{}\"}}", "x".repeat(20 * 1024));
    let reply = w.send(
        "POST",
        submit,
        Request {
            body: Some(("application/json", &huge)),
            ..Request::default()
        },
    );
    assert_eq!(reply.status, 413, "{:?}", reply.body);
    let a = id_of(&w.expect(
        201,
        "POST",
        submit,
        None,
        Some(&application("Guichet sans attente", "camille@example.fr")),
    ));
    let b = id_of(&w.expect(
        201,
        "POST",
        submit,
        None,
        Some(&application("Formulaire unique", "dominique@example.fr")),
    ));

    // The managers' list and reading.
    let list = "/api/v1/campaigns/appel-public/applications";
    w.expect(401, "GET", list, None, None);
    for who in outsiders {
        w.expect(403, "GET", list, who, None);
    }
    let listed = w.expect(200, "GET", list, manager, None);
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    assert_eq!(listed[0]["status"], "received");
    assert_eq!(listed[0]["intrapreneur"]["email"], "camille@example.fr");
    assert_eq!(listed[0]["signed_in"], false);
    let one = format!("/api/v1/applications/{a}");
    w.expect(401, "GET", &one, None, None);
    for who in outsiders {
        w.expect(403, "GET", &one, who, None);
    }
    w.expect(404, "GET", "/api/v1/applications/999999", admin, None);
    let read = w.expect(200, "GET", &one, admin, None);
    assert_eq!(read["history"][0]["status"], "received");

    // The jury: the manager and the admin. B would win on a plain mean (3.5 against 3) and
    // with the admin's conflicted score; the weights and the conflict put A first.
    let scores_a = format!("/api/v1/applications/{a}/scores");
    let scores_b = format!("/api/v1/applications/{b}/scores");
    let sheet = |impact: i64, faisabilite: i64, conflict: bool| {
        json!({"scores": {"impact": impact, "faisabilite": faisabilite},
               "conflict_of_interest": conflict})
    };
    w.expect(401, "PUT", &scores_a, None, Some(&sheet(5, 1, false)));
    for who in outsiders {
        w.expect(403, "PUT", &scores_a, who, Some(&sheet(5, 1, false)));
    }
    let refused = w.expect(422, "PUT", &scores_a, manager, Some(&sheet(6, 1, false)));
    assert_eq!(w.fields(&refused), ["scores.impact"]);
    let refused = w.expect(
        422,
        "PUT",
        &scores_a,
        manager,
        Some(&json!({"scores": {"impact": 3}})),
    );
    assert_eq!(w.fields(&refused), ["scores.faisabilite"]);
    w.expect(200, "PUT", &scores_a, manager, Some(&sheet(0, 0, false)));
    w.expect(200, "PUT", &scores_a, manager, Some(&sheet(5, 1, false)));
    w.expect(200, "PUT", &scores_a, admin, Some(&sheet(4, 2, false)));
    w.expect(200, "PUT", &scores_b, manager, Some(&sheet(2, 5, false)));
    w.expect(200, "PUT", &scores_b, admin, Some(&sheet(5, 5, true)));

    let ranking = "/api/v1/campaigns/appel-public/ranking";
    w.expect(401, "GET", ranking, None, None);
    for who in outsiders {
        w.expect(403, "GET", ranking, who, None);
    }
    let ranked = w.expect(200, "GET", ranking, manager, None);
    assert_eq!(ranked[0]["id"], a);
    assert_eq!(ranked[0]["rank"], 1);
    assert_eq!(ranked[0]["weighted_mean"], 3.75);
    assert_eq!(ranked[0]["jurors"], 2);
    assert_eq!(ranked[0]["criteria"][0]["mean"], 4.5);
    assert_eq!(ranked[0]["criteria"][0]["jurors"], 2);
    assert_eq!(ranked[1]["id"], b);
    assert_eq!(ranked[1]["weighted_mean"], 2.75);
    assert_eq!(ranked[1]["jurors"], 1);
    assert_eq!(ranked[1]["conflicted"], 1);
    let read = w.expect(200, "GET", &one, admin, None);
    assert_eq!(read["my_scores"]["scores"]["impact"], 4);
    assert_eq!(read["tally"]["weighted_mean"], 3.75);

    // Statuses: one step forward, or rejected with a reason.
    let status_a = format!("/api/v1/applications/{a}/status");
    let status_b = format!("/api/v1/applications/{b}/status");
    let to = |status: &str, reason: &str| json!({"status": status, "reason": reason});
    w.expect(401, "POST", &status_a, None, Some(&to("preselected", "")));
    for who in outsiders {
        w.expect(403, "POST", &status_a, who, Some(&to("preselected", "")));
    }
    w.expect(409, "POST", &status_a, manager, Some(&to("selected", "")));
    let refused = w.expect(422, "POST", &status_b, manager, Some(&to("rejected", " ")));
    assert_eq!(w.fields(&refused), ["reason"]);
    let refused = w.expect(422, "POST", &status_b, manager, Some(&to("accepted", "")));
    assert_eq!(w.fields(&refused), ["status"]);
    w.expect(
        200,
        "POST",
        &status_a,
        manager,
        Some(&to("preselected", "")),
    );
    w.expect(
        200,
        "POST",
        &status_a,
        manager,
        Some(&to("auditioned", "Audition du 12")),
    );

    // Launching: a selected application only.
    let launch = format!("/api/v1/applications/{a}/launch");
    let body = json!({"product_slug": "guichet-sans-attente"});
    w.expect(401, "POST", &launch, None, Some(&body));
    for who in outsiders {
        w.expect(403, "POST", &launch, who, Some(&body));
    }
    w.expect(409, "POST", &launch, manager, Some(&body));
    let selected = w.expect(200, "POST", &status_a, admin, Some(&to("selected", "")));
    assert_eq!(selected["status"], "selected");
    assert_eq!(selected["history"].as_array().map(Vec::len), Some(4));
    w.expect(
        200,
        "POST",
        &status_b,
        manager,
        Some(&to("rejected", "Déjà couvert par un produit")),
    );
    w.expect(409, "POST", &status_b, manager, Some(&to("received", "")));
    let refused = w.expect(
        422,
        "POST",
        &launch,
        manager,
        Some(&json!({"product_slug": "Pas Un Slug"})),
    );
    assert_eq!(w.fields(&refused), ["product_slug"]);
    w.expect(
        409,
        "POST",
        &launch,
        manager,
        Some(&json!({"product_slug": "mon-produit"})),
    );
    let launched = w.expect(201, "POST", &launch, manager, Some(&body));
    assert_eq!(launched["product"], "guichet-sans-attente");
    w.expect(
        409,
        "POST",
        &launch,
        manager,
        Some(&json!({"product_slug": "autre"})),
    );
    let product = w.expect(
        200,
        "GET",
        "/api/v1/products/guichet-sans-attente",
        viewer,
        None,
    );
    assert_eq!(product["application"], a);
    assert_eq!(product["phase"], "investigation");
    assert_eq!(product["name"], "Guichet sans attente");
    assert_eq!(
        product["sponsor"],
        "DGFiP, service des impôts des particuliers"
    );
    assert_eq!(
        product["pitch"],
        "3 000 appels par mois restent sans réponse."
    );
    let mine = w.expect(200, "GET", "/api/v1/products/mon-produit", viewer, None);
    assert_eq!(mine["application"], Value::Null);

    // The funnel: in the campaign, and in the open data as counts only.
    let read = w.expect(200, "GET", "/api/v1/campaigns/appel-public", None, None);
    assert_eq!(
        read["funnel"],
        json!({"received": 2, "preselected": 1, "selected": 1, "investigations": 1,
               "construction": 0})
    );
    let open = w.expect(200, "GET", "/api/v1/opendata/funnel.json", None, None);
    let row = open["campaigns"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["campaign"] == "appel-public"))
        .expect("the public campaign's row");
    assert_eq!(row["received"], 2);
    assert_eq!(row["investigations"], 1);
    // The year the campaign opened (yesterday).
    let year: i64 = read["opens_on"]
        .as_str()
        .and_then(|d| d.get(..4))
        .and_then(|y| y.parse().ok())
        .expect("year");
    assert!(
        open["years"]
            .as_array()
            .is_some_and(|y| y.iter().any(|y| y["year"] == year)),
        "{open}"
    );
    let text = open.to_string();
    for private in ["@", "Camille", "Guichet", "DGFiP"] {
        assert!(!text.contains(private), "the open data holds {private:?}");
    }

    // The rate limit: three applications an hour per e-mail.
    let again = application("Encore", "camille@example.fr");
    w.expect(201, "POST", submit, None, Some(&again));
    w.expect(201, "POST", submit, None, Some(&again));
    let limited = w.call("POST", submit, None, Some(&again));
    assert_eq!(limited.status, 429, "{:?}", limited.body);
    assert!(limited.header("retry-after").is_some());

    pages(&w, a);
}

/// The pages: the public form (CSRF, honeypot, errors next to their fields, the thanks page)
/// and the managers' ranking and application pages.
fn pages(w: &World, a: i64) {
    let server = w.server();
    let form = call(server, "GET", "/appels/appel-public", "", None);
    assert_eq!(form.status, 200, "{:?}", form.body);
    let html = text(&form);
    assert!(html.contains("<h1>Appel à projets 2027</h1>"), "{html}");
    assert!(html.contains("name=\"site_web\""), "the honeypot");
    let nonce = cookie_pair(&form, "pilote_csrf").expect("nonce");
    let csrf = csrf_field(html);
    let fields = |extra: &str| {
        format!(
            "csrf={csrf}&title=Par+la+page&problem=Un+probl%C3%A8me+chiffr%C3%A9\
             &who_suffers=Les+usagers&intrapreneur.name=Alex&intrapreneur.email=alex%40example.fr\
             &intrapreneur.availability_percent=20&sponsor=DINUM{extra}"
        )
    };
    let path = "/appels/appel-public";
    let before = w.expect(200, "GET", "/api/v1/campaigns/appel-public", None, None);
    let robot = call(
        server,
        "POST",
        path,
        &nonce,
        Some(&fields(
            "&consents.processing=oui&site_web=http%3A%2F%2Fspam",
        )),
    );
    assert_eq!(robot.status, 303);
    let forged = call(
        server,
        "POST",
        path,
        "",
        Some(&fields("&consents.processing=oui")),
    );
    assert_eq!(forged.status, 403);
    let missing = call(server, "POST", path, &nonce, Some(&fields("")));
    assert_eq!(missing.status, 422);
    assert!(
        text(&missing).contains("Acceptez le traitement de vos réponses pour candidater."),
        "{}",
        text(&missing)
    );
    let sent = call(
        server,
        "POST",
        path,
        &nonce,
        Some(&fields("&consents.processing=oui")),
    );
    assert_eq!(sent.status, 303, "{:?}", sent.body);
    assert_eq!(sent.header("location"), Some("/appels/appel-public/merci"));
    let thanks = call(server, "GET", "/appels/appel-public/merci", "", None);
    assert!(text(&thanks).contains("<h1>Candidature reçue</h1>"));
    let after = w.expect(200, "GET", "/api/v1/campaigns/appel-public", None, None);
    assert_eq!(
        after["funnel"]["received"].as_u64(),
        before["funnel"]["received"].as_u64().map(|n| n + 1),
        "the robot's application is not stored, the person's is"
    );

    let manager = crate::betagouv::sign_in(w, "manager@test.gouv.fr");
    let viewer = crate::betagouv::sign_in(w, "viewer@test.gouv.fr");
    let ranking = call(
        server,
        "GET",
        "/appels/appel-public/candidatures",
        &manager,
        None,
    );
    assert_eq!(ranking.status, 200);
    assert!(text(&ranking).contains("Guichet sans attente"));
    assert!(text(&ranking).contains("3,75"));
    let refused = call(
        server,
        "GET",
        "/appels/appel-public/candidatures",
        &viewer,
        None,
    );
    assert_eq!(refused.status, 403);
    let one = format!("/candidatures/{a}");
    let page = call(server, "GET", &one, &manager, None);
    assert_eq!(page.status, 200);
    assert!(
        text(&page).contains("Moyenne pondérée du jury&nbsp;: 3,75"),
        "{}",
        text(&page)
    );
    assert_eq!(call(server, "GET", &one, &viewer, None).status, 403);
    let csrf = csrf_field(text(&page));
    let scored = call(
        server,
        "POST",
        &format!("{one}/notes"),
        &manager,
        Some(&format!("csrf={csrf}&scores.impact=9&scores.faisabilite=1")),
    );
    assert_eq!(scored.status, 422);
    assert!(text(&scored).contains("La note doit être comprise entre 0 et 5."));

    // The campaigns' list and the new campaign's form; the funnel on the portfolio page.
    let list = call(server, "GET", "/appels", &manager, None);
    assert_eq!(list.status, 200);
    assert!(text(&list).contains("Appel à projets 2027"));
    let form = call(server, "GET", "/appels/nouveau", &manager, None);
    assert_eq!(form.status, 200);
    assert_eq!(
        call(server, "GET", "/appels/nouveau", &viewer, None).status,
        403
    );
    let csrf = csrf_field(text(&form));
    let new = |criteria: &str| {
        format!(
            "csrf={csrf}&title=Appel+par+la+page&incubator=dinum&slug=appel-page\
             &opens_on=2027-01-04&closes_on=2027-02-28&audience=agents&description=\
             &criteria={criteria}"
        )
    };
    let refused = call(
        server,
        "POST",
        "/appels/nouveau",
        &manager,
        Some(&new("a+%3B+A+%3B+1%0D%0Aa+%3B+B+%3B+2")),
    );
    assert_eq!(refused.status, 422);
    assert!(text(&refused).contains("Deux critères ont la même clé."));
    let created = call(
        server,
        "POST",
        "/appels/nouveau",
        &manager,
        Some(&new("impact+%3B+Impact+%3B+2")),
    );
    assert_eq!(created.status, 303, "{}", text(&created));
    assert_eq!(
        created.header("location"),
        Some("/appels/appel-page/candidatures")
    );
    let portfolio = call(server, "GET", "/", &viewer, None);
    assert!(
        text(&portfolio).contains("L'entonnoir des appels, par année d'ouverture"),
        "{}",
        text(&portfolio)
    );
}

#[test]
fn campaigns_on_sqlite() {
    scenario(Backend::Sqlite);
}

#[test]
fn campaigns_on_postgres() {
    scenario(Backend::Postgres);
}
