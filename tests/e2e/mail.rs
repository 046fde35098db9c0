//! Invitations and password resets by e-mail, end to end: the real server sends through SMTP
//! to a real local receiver (`tests/smtp/receiver.py`, aiosmtpd from `scripts/ensure-venv`),
//! the test reads the message, follows its link once, then again (refused), and an expired
//! link (its row's expiry moved into the past) is refused too. Also: who may invite (401,
//! 403), the link shown when SMTP is off, the forms' CSRF checks, and the reset's rate limit.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, ChildStdin, Command, Stdio},
    time::{Duration, Instant},
};

use diesel::connection::SimpleConnection;
use pilote_store::{Backend, Database};
use serde_json::{Value, json};

use crate::{
    pages::{
        client::{call, cookie_pair, csrf_field, encode, text},
        forms::sign_in_as,
    },
    world::{PASSWORD, World},
};

/// A local SMTP receiver on a free port, writing each message it gets into its directory.
struct Receiver {
    port: u16,
    dir: tempfile::TempDir,
    child: Child,
    _stdin: ChildStdin,
}

impl Receiver {
    fn start() -> Receiver {
        let root = env!("CARGO_MANIFEST_DIR");
        let out = Command::new(Path::new(root).join("scripts/ensure-venv"))
            .output()
            .expect("run scripts/ensure-venv (python3 with venv is required)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bin = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = tempfile::tempdir().expect("dir");
        let mut child = Command::new(Path::new(&bin).join("python"))
            .arg(Path::new(root).join("tests/smtp/receiver.py"))
            .arg(port.to_string())
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the SMTP receiver");
        let stdin = child.stdin.take().expect("stdin");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the receiver's first line");
        assert_eq!(line.trim(), "listening", "unexpected first line: {line:?}");
        Receiver {
            port,
            dir,
            child,
            _stdin: stdin,
        }
    }

    /// The server's settings for this receiver.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("PILOTE_SMTP__HOST", "127.0.0.1".to_owned()),
            ("PILOTE_SMTP__PORT", self.port.to_string()),
            ("PILOTE_SMTP__TLS", "none".to_owned()),
            (
                "PILOTE_SMTP__SENDER",
                "Pilote <pilote@test.gouv.fr>".to_owned(),
            ),
        ]
    }

    /// The first `n` messages received, in order, once they are all there (a generous
    /// ceiling, not a timing check).
    fn messages(&self, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let found: Vec<Value> = (1..=n)
                .map_while(|i| {
                    std::fs::read_to_string(self.dir.path().join(format!("{i}.json"))).ok()
                })
                .map(|s| serde_json::from_str(&s).expect("a message as JSON"))
                .collect();
            if found.len() == n {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {n} messages arrived",
                found.len()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// How many messages are there now.
    fn count(&self) -> usize {
        std::fs::read_dir(self.dir.path())
            .expect("dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
            .count()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A world whose server sends its mail to `receiver`.
fn world_with(receiver: &Receiver, backend: Backend) -> World {
    let env = receiver.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    World::on(backend)
        .with_second_incubator()
        .with_env(&env)
        .start()
}

/// The path of the link after `prefix` in a message or a JSON answer (`/invitation/<hex>`).
fn link_path(text: &str, prefix: &str) -> String {
    let at = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} link in {text}"));
    let secret: String = text[at + prefix.len()..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(secret.len(), 64, "{text}");
    format!("{prefix}{secret}")
}

/// Moves every link's expiry into the past, as time would.
fn expire_links(w: &World) {
    let db = Database::open(w.db_url(), &Default::default()).expect("open");
    let mut conn = db.get().expect("connection");
    conn.batch_execute("UPDATE one_time_tokens SET expires_at = '2000-01-01 00:00:00'")
        .expect("expire the links");
}

/// Chooses `password` through the form at `path`: the reply to the form's post.
fn choose_password(w: &World, path: &str, password: &str) -> crate::helpers::Reply {
    let form = call(w.server(), "GET", path, "", None);
    assert_eq!(form.status, 200, "{:?}", form.body);
    let nonce = cookie_pair(&form, "pilote_csrf").expect("a CSRF nonce cookie");
    let csrf = csrf_field(text(&form));
    let body = format!(
        "csrf={csrf}&nouveau={p}&confirmation={p}",
        p = encode(password)
    );
    call(w.server(), "POST", path, &nonce, Some(&body))
}

const INVITED: &str = "nouvelle.personne@test.gouv.fr";
const NEW_PASSWORD: &str = "un tout nouveau mot de passe";

fn an_invitation_arrives_and_its_link_works_once(backend: Backend) {
    let receiver = Receiver::start();
    let w = world_with(&receiver, backend);
    let invitation = json!({"email": INVITED, "name": "Nouvelle Personne", "role": "member",
                            "product": "mon-produit"});
    let invited = w.expect(
        201,
        "POST",
        "/api/v1/invitations",
        Some(&w.manager),
        Some(&invitation),
    );
    assert_eq!(invited["emailed"], true, "{invited}");
    assert_eq!(
        invited["link"],
        Value::Null,
        "an e-mailed link is not shown"
    );
    assert_eq!(invited["new_account"], true);
    assert_eq!(
        invited["grant"],
        json!({"role": "member", "product": "mon-produit"})
    );
    assert!(
        invited["expires_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );

    let message = &receiver.messages(1)[0];
    assert_eq!(message["to"], json!([INVITED]));
    assert_eq!(message["from"], "pilote@test.gouv.fr");
    assert_eq!(message["subject"], "Invitation à rejoindre Pilote");
    let body = message["text"].as_str().expect("text");
    assert!(
        body.contains("avec le rôle «\u{a0}Membre d'équipe (mon-produit)\u{a0}»"),
        "{body}"
    );
    assert!(body.contains("valable 7\u{a0}jours"), "{body}");
    let path = link_path(body, "/invitation/");

    // Not activated yet: no password opens the account.
    let login = json!({"email": INVITED, "password": NEW_PASSWORD});
    w.expect(401, "POST", "/api/v1/auth/login", None, Some(&login));

    // The form: a forged token is refused, a short password too, and the link still serves.
    let form = call(w.server(), "GET", &path, "", None);
    assert_eq!(form.status, 200);
    assert!(text(&form).contains("Bienvenue, Nouvelle Personne"));
    let nonce = cookie_pair(&form, "pilote_csrf").expect("nonce");
    let forged = format!("csrf={}&nouveau=x&confirmation=x", "0".repeat(64));
    assert_eq!(
        call(w.server(), "POST", &path, &nonce, Some(&forged)).status,
        403
    );
    let without_cookie = format!("csrf={}&nouveau=x&confirmation=x", csrf_field(text(&form)));
    assert_eq!(
        call(w.server(), "POST", &path, "", Some(&without_cookie)).status,
        403
    );
    let short = choose_password(&w, &path, "court");
    assert_eq!(short.status, 422);
    assert!(text(&short).contains("au moins 12 caractères"));

    let done = choose_password(&w, &path, NEW_PASSWORD);
    assert_eq!(done.status, 303, "{:?}", done.body);
    assert_eq!(done.header("location"), Some("/"));
    let session = cookie_pair(&done, "pilote_session").expect("signed in");
    assert_eq!(call(w.server(), "GET", "/", &session, None).status, 200);
    let token = w.server().login(INVITED, NEW_PASSWORD);
    let me = w.expect(200, "GET", "/api/v1/me", Some(&token), None);
    assert_eq!(
        me["roles"],
        json!([{"role": "member", "product": "mon-produit"}])
    );

    // Once only.
    let again = call(w.server(), "GET", &path, "", None);
    assert_eq!(again.status, 410);
    assert!(text(&again).contains("déjà servi"));
    let replayed = format!(
        "csrf={}&nouveau={p}&confirmation={p}",
        csrf_field(text(&form)),
        p = encode("encore un autre mot de passe")
    );
    let replayed = call(w.server(), "POST", &path, &nonce, Some(&replayed));
    assert_eq!(replayed.status, 410);

    // Inviting an activated account again: the role it lacks, a notice, never a link.
    let other_role = json!({"email": INVITED, "name": "x", "role": "viewer"});
    let notice = w.expect(
        201,
        "POST",
        "/api/v1/invitations",
        Some(&w.admin),
        Some(&other_role),
    );
    assert_eq!(
        (notice["new_account"].clone(), notice["link"].clone()),
        (json!(false), Value::Null)
    );
    assert_eq!(notice["expires_at"], Value::Null);
    let second = &receiver.messages(2)[1];
    assert_eq!(second["subject"], "Un nouveau rôle dans Pilote");
    assert!(
        !second["text"]
            .as_str()
            .expect("text")
            .contains("/invitation/")
    );
    w.expect(
        409,
        "POST",
        "/api/v1/invitations",
        Some(&w.admin),
        Some(&other_role),
    );
}

both_backends!(an_invitation_arrives_and_its_link_works_once);

fn who_may_invite_whom(backend: Backend) {
    // No SMTP: the link comes back to the inviting person.
    let w = World::on(backend)
        .with_second_incubator()
        .with_product_token()
        .start();
    let who = w.who();
    let invite = |role: Value| {
        let mut body = json!({"email": "quelqu.un@test.gouv.fr", "name": "Quelqu'un"});
        if let (Some(b), Some(r)) = (body.as_object_mut(), role.as_object()) {
            b.extend(r.clone());
        }
        body
    };
    let member = invite(json!({"role": "member", "product": "mon-produit"}));
    let path = "/api/v1/invitations";
    w.expect(401, "POST", path, None, Some(&member));
    for forbidden in [who.viewer, who.member, who.token, who.other] {
        w.expect(403, "POST", path, forbidden, Some(&member));
    }
    for beyond in [
        json!({"role": "admin"}),
        json!({"role": "viewer"}),
        json!({"role": "manager", "incubator": "mtes"}),
    ] {
        w.expect(403, "POST", path, who.manager, Some(&invite(beyond)));
    }
    let refused = w.expect(
        422,
        "POST",
        path,
        who.admin,
        Some(&json!({"email": "pas une adresse", "name": "X", "role": "chef"})),
    );
    assert_eq!(w.fields(&refused), ["email", "role"]);
    let refused = w.expect(
        422,
        "POST",
        path,
        who.admin,
        Some(&invite(json!({"role": "manager"}))),
    );
    assert_eq!(w.fields(&refused), ["incubator"]);
    w.expect(
        404,
        "POST",
        path,
        who.admin,
        Some(&invite(json!({"role": "member", "product": "inconnu"}))),
    );
    // Nothing was written by the refusals: the address has no account yet.
    let invited = w.expect(201, "POST", path, who.manager, Some(&member));
    assert_eq!(invited["new_account"], true);
    assert_eq!(invited["emailed"], false);
    let link = invited["link"].as_str().expect("the link, shown once");
    let path_of_link = link_path(link, "/invitation/");
    let form = call(w.server(), "GET", &path_of_link, "", None);
    assert_eq!(form.status, 200);

    // Expired (the form opened before, posted after): refused, and says so.
    expire_links(&w);
    let expired = call(w.server(), "GET", &path_of_link, "", None);
    assert_eq!(expired.status, 410);
    assert!(text(&expired).contains("expiré"));
    let nonce = cookie_pair(&form, "pilote_csrf").expect("nonce");
    let late = format!(
        "csrf={}&nouveau={p}&confirmation={p}",
        csrf_field(text(&form)),
        p = encode(NEW_PASSWORD)
    );
    assert_eq!(
        call(w.server(), "POST", &path_of_link, &nonce, Some(&late)).status,
        410
    );

    // A new invitation of the same, not yet activated, address gives a new link.
    let again = w.expect(201, "POST", path, who.admin, Some(&member));
    assert_eq!(again["new_account"], false);
    let fresh = link_path(again["link"].as_str().expect("link"), "/invitation/");
    assert_eq!(call(w.server(), "GET", &fresh, "", None).status, 200);
}

both_backends!(who_may_invite_whom);

#[test]
fn the_invitation_page_shows_the_link_once_without_smtp() {
    let w = World::on(Backend::Sqlite).with_second_incubator().start();
    let viewer = sign_in_as(w.server(), "viewer@test.gouv.fr");
    assert_eq!(
        call(w.server(), "GET", "/invitations/nouvelle", &viewer, None).status,
        403
    );
    let manager = sign_in_as(w.server(), "manager@test.gouv.fr");
    let account = call(w.server(), "GET", "/compte", &manager, None);
    assert!(text(&account).contains("href=\"/invitations/nouvelle\""));
    let form = call(w.server(), "GET", "/invitations/nouvelle", &manager, None);
    assert_eq!(form.status, 200);
    let html = text(&form);
    // A manager gives the roles within their incubator only.
    assert!(html.contains("value=\"member\"") && html.contains("value=\"manager\""));
    assert!(!html.contains("value=\"admin\"") && !html.contains("value=\"mtes\""));
    let csrf = csrf_field(html);
    let forged = "csrf=faux&email=a%40test.gouv.fr&name=A&role=member&product=mon-produit";
    assert_eq!(
        call(
            w.server(),
            "POST",
            "/invitations/nouvelle",
            &manager,
            Some(forged)
        )
        .status,
        403
    );

    let missing = format!("csrf={csrf}&email=pas-une-adresse&name=&role=member&product=");
    let refused = call(
        w.server(),
        "POST",
        "/invitations/nouvelle",
        &manager,
        Some(&missing),
    );
    assert_eq!(refused.status, 422);
    for field in ["email", "name", "product"] {
        assert!(
            text(&refused).contains(&format!("aria-describedby=\"erreur-{field}")),
            "{field}"
        );
    }
    let good = format!(
        "csrf={csrf}&email={}&name=Camille&role=member&product=mon-produit",
        encode("camille@test.gouv.fr")
    );
    let done = call(
        w.server(),
        "POST",
        "/invitations/nouvelle",
        &manager,
        Some(&good),
    );
    assert_eq!(done.status, 200, "{:?}", done.body);
    let path = link_path(text(&done), "/invitation/");
    assert!(text(&done).contains("Il ne sera plus affiché"));
    let form = call(w.server(), "GET", &path, "", None);
    assert_eq!(form.status, 200);
    // Without SMTP, no « Mot de passe oublié ? ».
    let login = call(w.server(), "GET", "/connexion", "", None);
    assert!(!text(&login).contains("/mot-de-passe-oublie"));
    assert_eq!(
        call(w.server(), "GET", "/mot-de-passe-oublie", "", None).status,
        404
    );
}

/// Asks for a reset link for `email`: the reply.
fn ask_reset(w: &World, email: &str) -> crate::helpers::Reply {
    let form = call(w.server(), "GET", "/mot-de-passe-oublie", "", None);
    assert_eq!(form.status, 200);
    let nonce = cookie_pair(&form, "pilote_csrf").expect("nonce");
    let body = format!("csrf={}&email={}", csrf_field(text(&form)), encode(email));
    call(
        w.server(),
        "POST",
        "/mot-de-passe-oublie",
        &nonce,
        Some(&body),
    )
}

fn a_reset_link_arrives_works_once_and_expires(backend: Backend) {
    let receiver = Receiver::start();
    let w = world_with(&receiver, backend);
    let login = call(w.server(), "GET", "/connexion", "", None);
    assert!(text(&login).contains("Mot de passe oublié"));
    let forged = "csrf=faux&email=member%40test.gouv.fr";
    let nonce = cookie_pair(&login, "pilote_csrf").expect("nonce");
    assert_eq!(
        call(
            w.server(),
            "POST",
            "/mot-de-passe-oublie",
            &nonce,
            Some(forged)
        )
        .status,
        403
    );

    // The same answer for an address without an account; only the member gets a message.
    let unknown = ask_reset(&w, "personne@test.gouv.fr");
    let known = ask_reset(&w, "member@test.gouv.fr");
    assert_eq!((unknown.status, known.status), (200, 200));
    let answer = |r: &crate::helpers::Reply| {
        let html = text(r);
        // Up to the form, whose CSRF token differs with each visitor's nonce.
        let (start, end) = (
            html.find("<main").expect("main"),
            html.find("<form").expect("form"),
        );
        html[start..end]
            .replace("personne@test.gouv.fr", "@")
            .replace("member@test.gouv.fr", "@")
    };
    assert_eq!(answer(&unknown), answer(&known));
    let message = &receiver.messages(1)[0];
    assert_eq!(message["to"], json!(["member@test.gouv.fr"]));
    assert_eq!(message["subject"], "Choisir un nouveau mot de passe Pilote");
    let path = link_path(message["text"].as_str().expect("text"), "/mot-de-passe/");

    let done = choose_password(&w, &path, NEW_PASSWORD);
    assert_eq!(done.status, 303, "{:?}", done.body);
    assert!(cookie_pair(&done, "pilote_session").is_some());
    let old = json!({"email": "member@test.gouv.fr", "password": PASSWORD});
    w.expect(401, "POST", "/api/v1/auth/login", None, Some(&old));
    w.server().login("member@test.gouv.fr", NEW_PASSWORD);
    assert_eq!(call(w.server(), "GET", &path, "", None).status, 410);

    // A second link, expired before use.
    assert_eq!(ask_reset(&w, "member@test.gouv.fr").status, 200);
    let second = link_path(
        receiver.messages(2)[1]["text"].as_str().expect("text"),
        "/mot-de-passe/",
    );
    expire_links(&w);
    let expired = call(w.server(), "GET", &second, "", None);
    assert_eq!(expired.status, 410);
    assert!(text(&expired).contains("expiré"));

    // Three requests an hour per address, whether it has an account or not.
    assert_eq!(ask_reset(&w, "member@test.gouv.fr").status, 200);
    let limited = ask_reset(&w, "member@test.gouv.fr");
    assert_eq!(limited.status, 429);
    assert!(text(&limited).contains("Trop de demandes"));
    for _ in 0..2 {
        assert_eq!(ask_reset(&w, "personne@test.gouv.fr").status, 200);
    }
    assert_eq!(ask_reset(&w, "personne@test.gouv.fr").status, 429);
    let all = receiver.messages(3);
    assert_eq!(
        receiver.count(),
        3,
        "only the member's three requests sent a message"
    );
    assert!(
        all.iter()
            .all(|m| m["to"] == json!(["member@test.gouv.fr"]))
    );
}

both_backends!(a_reset_link_arrives_works_once_and_expires);
