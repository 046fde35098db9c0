//! Sign-in with ProConnect against a real OpenID Connect provider: `tests/oidc/provider.mjs`
//! (the certified `oidc-provider` from npm, shaped like ProConnect), started once for this
//! test binary. Each test registers its own client at the provider, so tests run in parallel.
//!
//! A small cookie jar plays the browser: both servers are on 127.0.0.1, and cookies ignore
//! ports, as a browser's do.

use std::{
    collections::HashMap,
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, ChildStdin, Command, Stdio},
    sync::{Mutex, OnceLock},
    time::Duration,
};

use crate::{
    commands::npm_ci,
    helpers::{Server, add_user},
};

const PASSWORD: &str = "correct horse battery staple";

/// The provider, running until this test binary exits (its standard input then closes).
struct Provider {
    issuer: String,
    _process: Mutex<(Child, ChildStdin)>,
}

fn oidc_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

fn provider() -> &'static Provider {
    static PROVIDER: OnceLock<Provider> = OnceLock::new();
    PROVIDER.get_or_init(|| {
        let dir = oidc_dir();
        npm_ci(&dir);
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the test OpenID Connect provider (node)");
        let stdin = child.stdin.take().expect("stdin");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the provider's first line");
        let port = line
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("unexpected first line from the provider: {line:?}"))
            .trim()
            .to_owned();
        Provider {
            issuer: format!("http://127.0.0.1:{port}"),
            _process: Mutex::new((child, stdin)),
        }
    })
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// Registers a client (dynamic registration) signing its ID tokens and userinfo with `alg`.
fn register(alg: &str) -> (String, String) {
    let body = serde_json::json!({
        // `native`: the provider then accepts the loopback redirect URIs on any port.
        "application_type": "native",
        "redirect_uris": ["http://127.0.0.1/connexion/proconnect/retour"],
        "post_logout_redirect_uris": ["http://127.0.0.1/connexion"],
        "token_endpoint_auth_method": "client_secret_post",
        "id_token_signed_response_alg": alg,
        "userinfo_signed_response_alg": alg,
    });
    let mut response = agent()
        .post(format!("{}/reg", provider().issuer))
        .send_json(&body)
        .expect("register a client");
    assert_eq!(response.status().as_u16(), 201);
    let client: serde_json::Value = response.body_mut().read_json().expect("client");
    (
        client["client_id"].as_str().expect("client_id").to_owned(),
        client["client_secret"]
            .as_str()
            .expect("client_secret")
            .to_owned(),
    )
}

/// Who signs in next at the provider for this client.
fn scenario(client_id: &str, sub: &str, email: &str, tamper: bool) {
    let body = serde_json::json!({
        "client_id": client_id, "sub": sub, "email": email, "given_name": "Camille",
        "usual_name": "Agent", "siret": "13002526500013", "uid": format!("uid-{sub}"),
        "tamper": tamper,
    });
    let response = agent()
        .post(format!("{}/test/scenario", provider().issuer))
        .send_json(&body)
        .expect("scenario");
    assert_eq!(response.status().as_u16(), 204);
}

/// A browser: a cookie jar and no automatic redirects.
#[derive(Default)]
struct Browser {
    jar: HashMap<String, String>,
}

struct Page {
    status: u16,
    location: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

impl Browser {
    fn send(&mut self, method: &str, url: &str, form: Option<&str>) -> Page {
        let cookie = self
            .jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let agent = agent();
        let result = if method == "POST" {
            let mut request = agent
                .post(url)
                .content_type("application/x-www-form-urlencoded");
            if !cookie.is_empty() {
                request = request.header("Cookie", &cookie);
            }
            request.send(form.unwrap_or(""))
        } else {
            let mut request = agent.get(url);
            if !cookie.is_empty() {
                request = request.header("Cookie", &cookie);
            }
            request.call()
        };
        let mut response = result.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        for header in &set_cookies {
            let pair = header.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                let expired = value.is_empty()
                    || header.contains("Max-Age=0")
                    || header.contains("expires=Thu, 01 Jan 1970");
                if expired {
                    self.jar.remove(name.trim());
                } else {
                    self.jar.insert(name.trim().to_owned(), value.to_owned());
                }
            }
        }
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Page {
            status: response.status().as_u16(),
            location,
            set_cookies,
            body: response.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    fn get(&mut self, url: &str) -> Page {
        self.send("GET", url, None)
    }
}

/// Starts a flow at Pilote and follows the provider until it sends the browser back: the
/// callback URL, not yet visited. Checks the authorization request on the way.
fn to_callback(browser: &mut Browser, server: &Server) -> String {
    to_callback_from(browser, server, "/connexion/proconnect")
}

/// Like [`to_callback`], from `start` (the start with an invitation, for instance).
fn to_callback_from(browser: &mut Browser, server: &Server, start: &str) -> String {
    let start = browser.get(&format!("{}{start}", server.base));
    assert_eq!(start.status, 303, "{}", start.body);
    let flow = start
        .set_cookies
        .iter()
        .find(|c| c.starts_with("pilote_proconnect="))
        .expect("a flow cookie");
    for attribute in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/connexion/proconnect",
        "Max-Age=600",
    ] {
        assert!(flow.contains(attribute), "{attribute} missing: {flow}");
    }
    let mut url = start.location.expect("authorization URL");
    let issuer = &provider().issuer;
    assert!(url.starts_with(&format!("{issuer}/auth?")), "{url}");
    // The values checked are base64url or plain words: no percent-decoding needed, but for
    // the scope's separators.
    let query: HashMap<String, String> = url
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.replace("%20", " ").replace('+', " ")))
        .collect();
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["code_challenge_method"], "S256");
    assert!(
        query["state"].len() >= 32 && query["nonce"].len() >= 32,
        "{query:?}"
    );
    let scopes: Vec<&str> = query["scope"].split(' ').collect();
    for scope in [
        "openid",
        "email",
        "given_name",
        "usual_name",
        "siret",
        "uid",
    ] {
        assert!(scopes.contains(&scope), "{scope} missing: {scopes:?}");
    }
    for _ in 0..10 {
        if url.starts_with(&format!("{}/connexion/proconnect/retour", server.base)) {
            return url;
        }
        let page = browser.get(&url);
        eprintln!(
            "{url} -> {} {:?} {:?}",
            page.status, page.location, page.set_cookies
        );
        assert!(
            (300..400).contains(&page.status),
            "{url}: {} {}",
            page.status,
            page.body
        );
        let next = page.location.expect("a redirect");
        url = if next.starts_with('/') {
            format!("{issuer}{next}")
        } else {
            next
        };
    }
    panic!("the provider never sent the browser back");
}

/// A free port for Pilote: its public URL (the redirect URI's base) must be known at start.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A Pilote server using this client, with `users` (email, name) holding a viewer role.
fn pilote(dir: &Path, client: &(String, String), users: &[&str], env: &[(&str, &str)]) -> Server {
    let url = format!("sqlite://{}", dir.join("proconnect.db").display());
    for email in users {
        let out = add_user(
            dir,
            &url,
            &[
                "--email",
                email,
                "--name",
                "Camille Agent",
                "--role",
                "viewer",
            ],
            PASSWORD,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let port = free_port();
    let public = format!("http://127.0.0.1:{port}");
    let mut all = vec![
        ("PILOTE_PROCONNECT__ISSUER", provider().issuer.as_str()),
        ("PILOTE_PROCONNECT__CLIENT_ID", client.0.as_str()),
        ("PILOTE_PROCONNECT__CLIENT_SECRET", client.1.as_str()),
        ("PILOTE_PUBLIC_URL", public.as_str()),
    ];
    all.extend_from_slice(env);
    Server::start_on(
        dir,
        &format!("127.0.0.1:{port}"),
        &["--database-url", &url],
        &all,
    )
}

fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[at..].split('"').next().expect("value").to_owned()
}

#[test]
fn proconnect_signs_in_links_refuses_and_logs_out() {
    let dir = tempfile::tempdir().expect("dir");
    let client = register("ES256");
    let server = pilote(dir.path(), &client, &["agent@beta.gouv.fr"], &[]);

    // The login page offers ProConnect, and the password form still.
    let mut browser = Browser::default();
    let login = browser.get(&format!("{}/connexion", server.base));
    assert!(
        login.body.contains("S&#39;identifier avec ProConnect")
            || login.body.contains("S'identifier avec ProConnect"),
        "{}",
        login.body
    );
    assert!(login.body.contains("href=\"/connexion/proconnect\""));
    assert!(login.body.contains("name=\"password\""));

    // First sign-in: linked to the account with the same e-mail.
    scenario(&client.0, "sub-agent", "agent@beta.gouv.fr", false);
    let callback = to_callback(&mut browser, &server);
    let flow_cookie = browser
        .jar
        .get("pilote_proconnect")
        .cloned()
        .expect("flow cookie");
    let signed = browser.get(&callback);
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert!(signed.body.contains("Connexion réussie"), "{}", signed.body);
    assert!(signed.body.contains("http-equiv=\"refresh\""));
    assert!(browser.jar.contains_key("pilote_session"));
    assert!(browser.jar.contains_key("pilote_proconnect_id"));
    assert!(
        !browser.jar.contains_key("pilote_proconnect"),
        "the flow cookie is cleared"
    );
    let home = browser.get(&format!("{}/", server.base));
    assert_eq!(home.status, 200);
    assert!(
        home.body.contains("Camille Agent"),
        "signed in: {}",
        home.body
    );

    // The same callback again: no flow any more.
    let mut replay = Browser::default();
    let again = replay.get(&callback);
    assert_eq!(again.status, 400, "{}", again.body);
    assert!(
        again
            .body
            .contains("ne correspond à aucune connexion en cours")
    );
    // Even with the old flow cookie: the provider refuses a code used twice.
    replay
        .jar
        .insert("pilote_proconnect".to_owned(), flow_cookie);
    let again = replay.get(&callback);
    assert_eq!(again.status, 401, "{}", again.body);
    assert!(!replay.jar.contains_key("pilote_session"));

    // A forged state: refused, nobody signed in.
    let mut forger = Browser::default();
    let callback = to_callback(&mut forger, &server);
    let forged = callback.replace("state=", "state=x");
    let page = forger.get(&forged);
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(!forger.jar.contains_key("pilote_session"));
    // A flow cookie this server did not sign.
    let mut forger = Browser::default();
    let callback = to_callback(&mut forger, &server);
    let cookie = forger.jar.get("pilote_proconnect").cloned().expect("flow");
    forger
        .jar
        .insert("pilote_proconnect".to_owned(), format!("{cookie}0"));
    let page = forger.get(&callback);
    assert_eq!(page.status, 400, "{}", page.body);

    // Once linked, the account is found by (issuer, sub), whatever the e-mail says now.
    scenario(
        &client.0,
        "sub-agent",
        "nouvelle-adresse@beta.gouv.fr",
        false,
    );
    let mut second = Browser::default();
    let callback = to_callback(&mut second, &server);
    let page = second.get(&callback);
    assert_eq!(page.status, 200, "{}", page.body);

    // Nobody in Pilote with that identity or e-mail: a clear refusal.
    scenario(&client.0, "sub-stranger", "inconnu@beta.gouv.fr", false);
    let mut stranger = Browser::default();
    let callback = to_callback(&mut stranger, &server);
    let page = stranger.get(&callback);
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(page.body.contains("Aucun compte Pilote"), "{}", page.body);
    assert!(page.body.contains("inconnu@beta.gouv.fr"));
    assert!(!stranger.jar.contains_key("pilote_session"));

    // Logout ends the ProConnect session too.
    let csrf = csrf_of(&home.body);
    let out = browser.send(
        "POST",
        &format!("{}/deconnexion", server.base),
        Some(&format!("csrf={csrf}")),
    );
    assert_eq!(out.status, 303, "{}", out.body);
    let end = out.location.expect("end session URL");
    assert!(
        end.starts_with(&format!("{}/session/end?", provider().issuer)),
        "{end}"
    );
    assert!(end.contains("id_token_hint="), "{end}");
    assert!(end.contains("post_logout_redirect_uri="), "{end}");
    assert!(!browser.jar.contains_key("pilote_session"));
    assert!(!browser.jar.contains_key("pilote_proconnect_id"));
    let confirm = browser.get(&end);
    assert_eq!(
        confirm.status, 200,
        "the provider accepts the hint: {}",
        confirm.body
    );
    let xsrf = {
        let at = confirm.body.find("name=\"xsrf\" value=\"").expect("xsrf") + 19;
        confirm.body[at..]
            .split('"')
            .next()
            .expect("value")
            .to_owned()
    };
    let done = browser.send(
        "POST",
        &format!("{}/session/end/confirm", provider().issuer),
        Some(&format!("xsrf={xsrf}&logout=yes")),
    );
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(
        done.location.as_deref(),
        Some(format!("{}/connexion", server.base).as_str())
    );
}

#[test]
fn a_tampered_id_token_signs_nobody_in_and_passwords_can_be_off() {
    let dir = tempfile::tempdir().expect("dir");
    let client = register("RS256");
    let server = pilote(
        dir.path(),
        &client,
        &["rsa@beta.gouv.fr"],
        &[("PILOTE_PASSWORD_LOGIN", "false")],
    );

    scenario(&client.0, "sub-rsa", "rsa@beta.gouv.fr", true);
    let mut browser = Browser::default();
    let callback = to_callback(&mut browser, &server);
    let page = browser.get(&callback);
    assert_eq!(page.status, 401, "{}", page.body);
    assert!(
        page.body.contains("n&#39;a pas pu être vérifiée")
            || page.body.contains("n'a pas pu être vérifiée"),
        "{}",
        page.body
    );
    assert!(!browser.jar.contains_key("pilote_session"));

    // The same person, token intact, RS256: signed in.
    scenario(&client.0, "sub-rsa", "rsa@beta.gouv.fr", false);
    let mut browser = Browser::default();
    let callback = to_callback(&mut browser, &server);
    let page = browser.get(&callback);
    assert_eq!(page.status, 200, "{}", page.body);

    // Passwords are off: no form on the login page, refused by the form and the API.
    let mut anonymous = Browser::default();
    let login = anonymous.get(&format!("{}/connexion", server.base));
    assert_eq!(login.status, 200);
    assert!(!login.body.contains("name=\"password\""), "{}", login.body);
    assert!(login.body.contains("href=\"/connexion/proconnect\""));
    let refused = anonymous.send(
        "POST",
        &format!("{}/connexion", server.base),
        Some("email=rsa%40beta.gouv.fr&password=x&csrf=x"),
    );
    assert_eq!(refused.status, 403);
    let api = server.post_json(
        "/api/v1/auth/login",
        &serde_json::json!({ "email": "rsa@beta.gouv.fr", "password": PASSWORD }),
    );
    assert_eq!(api.status, 403, "{:?}", api.body);
}

#[test]
fn without_an_issuer_proconnect_is_not_offered() {
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(dir.path(), &[]);
    let mut browser = Browser::default();
    let login = browser.get(&format!("{}/connexion", server.base));
    assert!(!login.body.contains("/connexion/proconnect"));
    assert_eq!(
        browser
            .get(&format!("{}/connexion/proconnect", server.base))
            .status,
        404
    );
    assert_eq!(
        browser
            .get(&format!(
                "{}/connexion/proconnect/retour?code=a&state=b",
                server.base
            ))
            .status,
        404
    );
}

#[test]
fn an_invitation_links_the_proconnect_identity_that_accepts_it() {
    let dir = tempfile::tempdir().expect("dir");
    let client = register("ES256");
    let server = pilote(dir.path(), &client, &[], &[]);
    let url = format!("sqlite://{}", dir.path().join("proconnect.db").display());
    let admin = [
        "--email",
        "admin@beta.gouv.fr",
        "--name",
        "Admin",
        "--role",
        "admin",
    ];
    let out = add_user(dir.path(), &url, &admin, PASSWORD);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = server.login("admin@beta.gouv.fr", PASSWORD);
    let body = serde_json::json!({"email": "invitee@beta.gouv.fr", "name": "Invitée Agente",
                                  "role": "viewer"});
    let reply = server.json_as("POST", "/api/v1/invitations", Some(&token), &body);
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    let link = reply.body["link"].as_str().expect("no SMTP: the link");
    let path = &link[link.find("/invitation/").expect("path")..];
    let secret = &path["/invitation/".len()..];

    // The invitation's page offers ProConnect, carrying the invitation.
    let mut browser = Browser::default();
    let page = browser.get(&format!("{}{path}", server.base));
    assert_eq!(page.status, 200, "{}", page.body);
    let start = format!("/connexion/proconnect?invitation={secret}");
    assert!(page.body.contains(&start), "{}", page.body);

    // The agent's address at ProConnect is not the invited one: the invitation links them.
    scenario(
        &client.0,
        "sub-invitee",
        "autre.adresse@agents.gouv.fr",
        false,
    );
    let callback = to_callback_from(&mut browser, &server, &start);
    let signed = browser.get(&callback);
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert!(signed.body.contains("Invitée Agente"), "{}", signed.body);
    let home = browser.get(&format!("{}/", server.base));
    assert_eq!(home.status, 200);

    // Used: its page refuses it, and so does another ProConnect sign-in carrying it.
    let again = Browser::default().get(&format!("{}{path}", server.base));
    assert_eq!(again.status, 410, "{}", again.body);
    let mut other = Browser::default();
    scenario(
        &client.0,
        "sub-someone-else",
        "quelqu.un@agents.gouv.fr",
        false,
    );
    let callback = to_callback_from(&mut other, &server, &start);
    let refused = other.get(&callback);
    assert_eq!(refused.status, 410, "{}", refused.body);
    assert!(!other.jar.contains_key("pilote_session"));

    // Later sign-ins find the account by its subject, with no invitation.
    let mut later = Browser::default();
    scenario(
        &client.0,
        "sub-invitee",
        "autre.adresse@agents.gouv.fr",
        false,
    );
    let callback = to_callback(&mut later, &server);
    let signed = later.get(&callback);
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert!(signed.body.contains("Invitée Agente"), "{}", signed.body);
}
