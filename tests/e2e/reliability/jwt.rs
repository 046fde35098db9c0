//! Forged login tokens over HTTP, signed with the server's own secret where the attack needs
//! it: each is refused 401 in the error envelope (or 431/413 for a 10 MB one), never a 5xx.
//! `crates/api/src/auth/jwt.rs` checks the same rules on the verifier alone; this checks the
//! running server wires them to every request.

use std::{
    io::{Read, Write},
    net::TcpStream,
    thread,
    time::Duration,
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use pilote_api::auth::jwt::Claims;
use pilote_store::Backend;

use super::{ADMIN, PASSWORD, site};
use crate::helpers::Server;

const SECRET: &str = "a-reliability-suite-secret-of-forty-bytes";

/// Base64url without padding, as JWT segments are written.
fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn sign(alg: Algorithm, claims: &Claims, secret: &str) -> String {
    encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("sign")
}

/// A token whose header says `alg` but whose signature is HS256 with the server's secret.
fn relabelled(alg: &str, claims: &Claims) -> String {
    let real = sign(Algorithm::HS256, claims, SECRET);
    let parts: Vec<&str> = real.split('.').collect();
    let header = b64(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#).as_bytes());
    format!("{header}.{}.{}", parts[1], parts[2])
}

/// Sends `Authorization: Bearer <size bytes>` over a raw socket (HTTP clients refuse to
/// write such a header) while reading the answer at the same time, since the server may
/// answer and close before the header is all sent; returns the status.
fn huge_authorization(base: &str, size: usize) -> u16 {
    let address = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let mut writer = stream.try_clone().expect("clone");
    let request = format!("GET /api/v1/me HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer ");
    let sending = thread::spawn(move || {
        // Errors are expected: the server may close the connection first.
        let _ = writer.write_all(request.as_bytes());
        let chunk = vec![b'A'; 64 * 1024];
        for _ in 0..size.div_ceil(chunk.len()) {
            if writer.write_all(&chunk).is_err() {
                return;
            }
        }
        let _ = writer.write_all(b"\r\n\r\n");
    });
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    while !answer.windows(2).any(|w| w == b"\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = sending.join();
    let line = String::from_utf8_lossy(&answer).into_owned();
    line.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer to a {size}-byte token: {line:?}"))
}

fn refused(server: &Server, what: &str, token: &str) {
    let reply = server.get_as("/api/v1/me", token);
    assert_eq!(reply.status, 401, "{what}: {:?}", reply.body);
    assert_eq!(reply.header("www-authenticate"), Some("Bearer"), "{what}");
    assert_eq!(reply.body["error"]["code"], "unauthorized", "{what}");
}

#[test]
fn forged_tokens_are_refused_401_never_5xx() {
    let site = site(Backend::Sqlite);
    let server = Server::start_with_env(
        site.dir.path(),
        &["--database-url", site.db.url()],
        &[("PILOTE_JWT__SECRET", SECRET)],
    );
    let real = server.login(ADMIN, PASSWORD);
    let me = server.get_as("/api/v1/me", &real);
    assert_eq!(me.status, 200);
    let now = chrono::Utc::now().timestamp();
    let good = Claims {
        sub: me.body["id"].as_i64().expect("id").to_string(),
        email: ADMIN.to_owned(),
        iat: now,
        nbf: now,
        exp: now + 600,
        iss: "pilote".to_owned(),
        aud: "pilote-api".to_owned(),
        sgen: None,
        sid: None,
        auth_time: None,
    };
    // The control: a token forged with the right secret and claims is accepted, so each
    // refusal below is due to the one thing changed.
    let forged = sign(Algorithm::HS256, &good, SECRET);
    assert_eq!(server.get_as("/api/v1/me", &forged).status, 200);

    let payload = b64(&serde_json::to_vec(&good).expect("json"));
    for alg in ["none", "None", "NONE", "nOnE"] {
        let header = b64(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#).as_bytes());
        refused(&server, alg, &format!("{header}.{payload}."));
        refused(&server, alg, &format!("{header}.{payload}"));
    }
    // HS/RS confusion: a header naming an asymmetric algorithm over an HMAC signature (what an
    // attacker who uses a public key as the HMAC secret sends) or another HMAC size.
    for alg in ["RS256", "PS256", "ES256", "EdDSA", "HS384", "HS512"] {
        refused(&server, alg, &relabelled(alg, &good));
    }
    refused(&server, "HS512", &sign(Algorithm::HS512, &good, SECRET));

    let parts: Vec<&str> = forged.split('.').collect();
    refused(
        &server,
        "signature stripped",
        &format!("{}.{}.", parts[0], parts[1]),
    );
    refused(
        &server,
        "no signature part",
        &format!("{}.{}", parts[0], parts[1]),
    );
    refused(
        &server,
        "another secret",
        &sign(
            Algorithm::HS256,
            &good,
            "pilote-development-secret-not-for-production",
        ),
    );
    let with = |f: &dyn Fn(&mut Claims)| {
        let mut claims = good.clone();
        f(&mut claims);
        sign(Algorithm::HS256, &claims, SECRET)
    };
    refused(&server, "expired", &with(&|c| c.exp = now - 3_600));
    refused(&server, "not yet valid", &with(&|c| c.nbf = now + 3_600));
    refused(
        &server,
        "wrong audience",
        &with(&|c| c.aud = "une-autre-api".to_owned()),
    );
    refused(
        &server,
        "wrong issuer",
        &with(&|c| c.iss = "quelqu-un".to_owned()),
    );
    refused(
        &server,
        "unknown user",
        &with(&|c| c.sub = "999999".to_owned()),
    );
    refused(
        &server,
        "not a user id",
        &with(&|c| c.sub = "admin".to_owned()),
    );
    refused(
        &server,
        "a long but plausible token",
        &format!("{forged}{}", "A".repeat(16 * 1024)),
    );

    // 10 MB in the Authorization header: refused before any parsing, not a 5xx.
    let status = huge_authorization(&server.base, 10 * 1024 * 1024);
    eprintln!("10 MB token: {status}");
    assert!([401, 413, 431].contains(&status), "10 MB token: {status}");
    assert_eq!(server.get("/readyz").0, 200, "the server is still up");
}
