//! Sessions that follow activity, on SQLite and on PostgreSQL: a page seen with a session
//! older than a minute renews the cookie (same session, an idle time more, never past the
//! absolute maximum), and the CSRF tokens of pages opened before still work; a session past
//! its maximum is over. A form posted after its session expired comes back with the login
//! page and, once signed in again as the same person, is given back to be sent; someone else,
//! a forged token or an account form never is.

use chrono::{Datelike, Days, NaiveDate, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use pilote_api::settings::DEV_JWT_SECRET;
use pilote_store::Backend;
use serde_json::Value;

use super::client::{call, cookie_pair, csrf_field, encode, input_value, text};
use crate::{
    helpers::Server,
    world::{PASSWORD, World},
};

/// The claims of a session cookie (`pilote_session=<JWT>`).
fn claims(cookie: &str) -> Value {
    let jwt = cookie.trim_start_matches("pilote_session=");
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&["pilote-api"]);
    jsonwebtoken::decode::<Value>(
        jwt,
        &DecodingKey::from_secret(DEV_JWT_SECRET.as_bytes()),
        &validation,
    )
    .expect("a valid session token")
    .claims
}

/// A session cookie with `claims`, signed with the world's (development) secret.
fn forged(claims: &Value) -> String {
    let jwt = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(DEV_JWT_SECRET.as_bytes()),
    )
    .expect("sign");
    format!("pilote_session={jwt}")
}

/// Monday of the last complete week.
fn last_monday() -> NaiveDate {
    let today = Utc::now().date_naive();
    today - Days::new(u64::from(today.weekday().num_days_from_monday()) + 7)
}

/// The login form's fields for `email`, and its nonce cookie, from a login page.
fn login_body(page: &str, email: &str) -> String {
    format!(
        "email={}&password={}&csrf={}",
        encode(email),
        encode(PASSWORD),
        csrf_field(page)
    )
}

/// Signs in from a login page that carries a pending form: the reply to the login form.
fn sign_in_carrying(
    server: &Server,
    page: &crate::helpers::Reply,
    email: &str,
) -> crate::helpers::Reply {
    let nonce = cookie_pair(page, "pilote_csrf").expect("a nonce cookie");
    let html = text(page);
    let body = format!(
        "{}&suite={}&reprise_action={}&reprise={}&reprise_jeton={}",
        login_body(html, email),
        encode(&input_value(html, "suite")),
        encode(&input_value(html, "reprise_action")),
        encode(&input_value(html, "reprise")),
        encode(&input_value(html, "reprise_jeton")),
    );
    call(server, "POST", "/connexion", &nonce, Some(&body))
}

fn scenario(backend: Backend) {
    let w = World::on(backend).start();
    w.weekly_indicators(&[("demarches", "increase")]);
    let server = w.server();
    let member = super::forms::sign_in_as(server, "member@test.gouv.fr");
    let form_page = "/produits/mon-produit/mesures";

    // Fresh: no renewal.
    let seen = call(server, "GET", "/", &member, None);
    assert_eq!(seen.status, 200);
    assert_eq!(cookie_pair(&seen, "pilote_session"), None);

    // Two minutes old: renewed, the same session, an hour from now.
    let first = claims(&member);
    assert_eq!(
        first["exp"]
            .as_i64()
            .zip(first["iat"].as_i64())
            .map(|(e, i)| e - i),
        Some(3600)
    );
    let mut older = first.clone();
    let now = Utc::now().timestamp();
    older["iat"] = (now - 120).into();
    older["nbf"] = (now - 120).into();
    older["exp"] = (now + 600).into();
    let older = forged(&older);
    let form = call(server, "GET", form_page, &older, None);
    assert_eq!(form.status, 200);
    let renewed = cookie_pair(&form, "pilote_session").expect("a renewed cookie");
    let next = claims(&renewed);
    assert_eq!(next["sid"], first["sid"]);
    assert_eq!(next["auth_time"], first["auth_time"]);
    assert_eq!(next["sgen"], first["sgen"]);
    assert!(next["exp"].as_i64().expect("exp") >= now + 3600);
    // The form opened with the old cookie posts with the renewed one.
    let (week, month) = (
        input_value(text(&form), "semaine"),
        input_value(text(&form), "mois"),
    );
    assert_eq!(week, last_monday().to_string());
    let body = format!(
        "csrf={}&semaine={week}&mois={month}&valeur-demarches=120&commentaire-demarches=",
        csrf_field(text(&form))
    );
    let saved = call(server, "POST", form_page, &renewed, Some(&body));
    assert_eq!(saved.status, 303, "{:?}", saved.body);

    // Past the absolute maximum (12 hours after signing in): over, whatever `exp` says.
    let mut ancient = first.clone();
    ancient["auth_time"] = (now - 12 * 3600 - 10).into();
    let over = call(server, "GET", "/", &forged(&ancient), None);
    assert_eq!(over.status, 303);
    assert!(
        over.header("location")
            .is_some_and(|l| l.starts_with("/connexion"))
    );

    // A form posted after the session expired (the browser dropped the cookie).
    let form = call(server, "GET", form_page, &member, None);
    let token = csrf_field(text(&form));
    let typed = format!(
        "csrf={token}&semaine={week}&mois={month}&valeur-demarches=1234,5&commentaire-demarches={}",
        encode("enquête été")
    );
    let expired = call(server, "POST", form_page, "", Some(&typed));
    assert_eq!(expired.status, 401);
    let html = text(&expired);
    assert!(html.contains("Votre session a expiré"), "{html}");
    assert_eq!(input_value(html, "reprise_action"), form_page);
    assert_eq!(input_value(html, "reprise_jeton"), token);
    assert!(input_value(html, "reprise").contains("valeur-demarches=1234%2C5"));
    assert!(
        !input_value(html, "reprise").contains("csrf="),
        "the old token travels apart"
    );

    // Someone else signing in there does not get it: the usual redirect.
    let other = sign_in_carrying(server, &expired, "viewer@test.gouv.fr");
    assert_eq!(other.status, 303);
    // A wrong password keeps carrying it.
    let nonce = cookie_pair(&expired, "pilote_csrf").expect("nonce");
    let wrong = format!(
        "email={}&password=faux&csrf={}&reprise_action={}&reprise={}&reprise_jeton={token}",
        encode("member@test.gouv.fr"),
        csrf_field(html),
        encode(form_page),
        encode(&input_value(html, "reprise"))
    );
    let rejected = call(server, "POST", "/connexion", &nonce, Some(&wrong));
    assert_eq!(rejected.status, 401);
    assert_eq!(input_value(text(&rejected), "reprise_action"), form_page);

    // The same person signs in again: the form is given back, with what was typed.
    let resumed = sign_in_carrying(server, &expired, "member@test.gouv.fr");
    assert_eq!(resumed.status, 200, "{:?}", resumed.body);
    let cookie = cookie_pair(&resumed, "pilote_session").expect("signed in");
    let page = text(&resumed);
    assert!(page.contains("Reprendre votre saisie"));
    assert!(page.contains("enquête été"), "what was typed is shown");
    assert!(page.contains(&format!("action=\"{form_page}\"")));
    // Sent with the button: the form's hidden fields, the new session's token.
    let fields: Vec<(String, String)> = [
        "csrf",
        "semaine",
        "mois",
        "valeur-demarches",
        "commentaire-demarches",
    ]
    .iter()
    .map(|name| ((*name).to_owned(), input_value(page, name)))
    .collect();
    let body = fields
        .iter()
        .map(|(n, v)| format!("{n}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let sent = call(server, "POST", form_page, &cookie, Some(&body));
    assert_eq!(sent.status, 303, "{:?}", sent.body);
    let csv = server.get_as("/api/v1/products/mon-produit/measures.csv", &w.member);
    let csv = csv.body.as_str().expect("CSV").to_owned();
    assert!(
        csv.contains("1234.5") && csv.contains("enquête été"),
        "{csv}"
    );

    // A forged pending form (a token not of this person) is not given back.
    let forged_form = call(
        server,
        "POST",
        form_page,
        "",
        Some(&typed.replace(&token, "faux")),
    );
    assert_eq!(forged_form.status, 401);
    let refused = sign_in_carrying(server, &forged_form, "member@test.gouv.fr");
    assert_eq!(refused.status, 303);

    // An account form is never carried (its fields are passwords): the login page as usual.
    let account = call(
        server,
        "POST",
        "/compte/mot-de-passe",
        "",
        Some(&format!("csrf={token}&actuel=x&nouveau=y&confirmation=y")),
    );
    assert_eq!(account.status, 303);
    assert!(
        account
            .header("location")
            .is_some_and(|l| l.starts_with("/connexion"))
    );
}

both_backends!(sessions_slide_and_forms_survive_expiry => scenario);
